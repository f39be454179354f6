/**
 * The probe samples the event loop with a 5 ms timer and reports delay beyond it. An idle
 * loop on a busy shared machine still reads a few milliseconds of scheduler noise there, and
 * two identical servers can differ by several times at that scale; below 5 ms (the
 * sampler's own period) we do not claim to know the value. A blocked loop reads 25 ms and up.
 */
export const LOOP_DELAY_FLOOR_MS = 5;

/**
 * Every metric a run can record, with what a reader needs to interpret it. One table
 * drives the reporters, the claim sentences and the README's list of metrics.
 */
export const metrics = {
  requestsPerSec: { label: 'req/s', unit: 'req/s', better: 'higher', source: 'load' },
  bytesPerSec: { label: 'MiB/s', unit: 'bytes/s', better: 'higher', source: 'load' },
  latencyP50Ms: { floor: 1, label: 'p50', unit: 'ms', better: 'lower', source: 'load' },
  latencyP99Ms: { floor: 1, label: 'p99', unit: 'ms', better: 'lower', source: 'load' },
  latencyMaxMs: { floor: 1, label: 'max', unit: 'ms', better: 'lower', source: 'load' },
  sideLatencyP50Ms: { label: 'side p50', unit: 'ms', better: 'lower', source: 'load' },
  sideLatencyP99Ms: { label: 'side p99', unit: 'ms', better: 'lower', source: 'load' },
  sideLatencyMaxMs: { label: 'side max', unit: 'ms', better: 'lower', source: 'load' },
  sideRequestsPerSec: { label: 'side req/s', unit: 'req/s', better: 'higher', source: 'load' },
  eventLoopDelayP50Ms: { floor: LOOP_DELAY_FLOOR_MS, label: 'loop delay p50', unit: 'ms', better: 'lower', source: 'probe' },
  eventLoopDelayP99Ms: { floor: LOOP_DELAY_FLOOR_MS, label: 'loop delay p99', unit: 'ms', better: 'lower', source: 'probe' },
  eventLoopDelayMaxMs: { floor: LOOP_DELAY_FLOOR_MS, label: 'loop delay max', unit: 'ms', better: 'lower', source: 'probe' },
  eventLoopUtilization: { label: 'loop busy', unit: 'ratio', better: 'lower', source: 'probe' },
  serverCpuCores: { label: 'server CPU', unit: 'cores', better: 'lower', source: 'probe' },
  serverCpuMsPerRequest: { label: 'CPU per request', unit: 'ms', better: 'lower', source: 'probe' },
  rssPeakBytes: { label: 'peak RSS', unit: 'bytes', better: 'lower', source: 'probe' },
  heapUsedPeakBytes: { label: 'peak heap', unit: 'bytes', better: 'lower', source: 'probe' },
  generatorCpuCores: { label: 'generator CPU', unit: 'cores', better: 'lower', source: 'generator' },
} as const satisfies MetricTable;

export type MetricName = keyof typeof metrics;

/** How to read a metric. Labs may add their own (e.g. `dbQueries`) with `defineLab({ metrics })`. */
export interface MetricInfo {
  label: string;
  unit: 'req/s' | 'ms' | 'bytes' | 'bytes/s' | 'ratio' | 'cores' | 'count';
  better: 'higher' | 'lower';
  source?: string;
  /**
   * The smallest value the metric can resolve: below it, ratios use the floor instead of
   * the value. autocannon's latencies are whole milliseconds, so theirs is 1 ms.
   */
  floor?: number;
}

export type MetricTable = Record<string, MetricInfo>;

export function lookup(table: MetricTable, name: string): MetricInfo {
  return table[name] ?? { label: name, unit: 'count', better: 'higher' };
}

/**
 * autocannon records latency in whole milliseconds, so a faster answer reads as 0 ms.
 * Ratios use this floor instead: below 1 ms we do not claim to know the value.
 */
export const LATENCY_FLOOR_MS = 1;


export function metricFloor(info: MetricInfo): number {
  return info.floor ?? 0;
}

export function formatMetric(info: MetricInfo, value: number): string {
  const unit = info.unit;
  if (!Number.isFinite(value)) return 'n/a';
  switch (unit) {
    case 'bytes':
      return formatBytes(value);
    case 'bytes/s':
      return `${formatBytes(value)}/s`;
    case 'ms':
      if (info.floor !== undefined && value < info.floor) return `<${info.floor} ms`;
      if (value < 0.1) return `${Math.round(value * 1000)} µs`;
      return value < 10 ? `${value.toFixed(value < 1 ? 2 : 1)} ms` : `${Math.round(value)} ms`;
    case 'req/s':
      return `${formatCount(value)} req/s`;
    case 'ratio':
      return `${Math.round(value * 100)}%`;
    case 'cores':
      return `${value.toFixed(2)} cores`;
    case 'count':
      return formatCount(value);
  }
}

/** A metric's short name; side-stream metrics name their path (`/ping p99`). */
export function metricLabel(info: MetricInfo, sidePath?: string | null): string {
  const label = info.label;
  return sidePath && label.startsWith('side ') ? label.replace('side', sidePath) : label;
}

export function formatCount(value: number): string {
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  if (mib >= 100) return `${Math.round(mib)} MiB`;
  if (mib >= 1) return `${mib.toFixed(1)} MiB`;
  return `${Math.round(bytes / 1024)} KiB`;
}

export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return 'n/a';
  if (ratio >= 10) return `${Math.round(ratio)}×`;
  return `${ratio.toFixed(2)}×`;
}
