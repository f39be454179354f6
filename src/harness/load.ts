import autocannon from 'autocannon';
import { Agent, request } from 'node:http';
import type { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { send } from '../lab/http.js';
import { percentile, Pinger, type PingResult } from './pinger.js';

export interface StreamResult {
  requests: number;
  served: number;
  requestsPerSec: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  statusCounts: Record<string, number>;
  errors: number;
  timeouts: number;
}

export interface LoadResult {
  primary: StreamResult;
  side?: StreamResult;
  durationSec: number;
  /** CPU the generator (this process) used, in cores: near 1, it is the bottleneck. */
  generatorCpuCores: number;
  /** Body bytes received per second (download client only). */
  bytesPerSec?: number;
}

export interface LoadOptions {
  /** `autocannon` (default), or `download` for large bodies (see runDownloads). */
  client?: 'autocannon' | 'download';
  port: number;
  path: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  durationSec: number;
  expectStatus?: number[];
  side?: { path: string; ratePerSec: number };
  /** Called about once a second with the primary stream's requests in that second. */
  onTick?: (requestsInLastSecond: number) => void;
}

/** A generator using ~0.9 of a core or more cannot push harder: the run says so. */
export const GENERATOR_BOUND_CORES = 0.9;

/** Only ever loopback, always bounded by duration. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const url = `http://127.0.0.1:${options.port}`;
  // The side connection is opened first, so its first measured ping does not pay for the handshake.
  const pinger = options.side ? new Pinger(options.port, options.side.path, options.side.ratePerSec) : undefined;
  await pinger?.start();
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  if (options.client === 'download') {
    const downloads = await runDownloads(options);
    const pings = await pinger?.stop();
    const cpu = process.cpuUsage(cpuStart);
    const wallMs = performance.now() - wallStart;
    return {
      primary: downloads.stream,
      side: pings ? summarisePings(pings, downloads.durationSec) : undefined,
      durationSec: downloads.durationSec,
      generatorCpuCores: (cpu.user + cpu.system) / 1000 / wallMs,
      bytesPerSec: downloads.bytes / downloads.durationSec,
    };
  }

  // Called without a callback, autocannon returns an EventEmitter that is also a thenable.
  const primary = autocannon({
    url: url + options.path,
    method: options.method ?? 'GET',
    headers: options.headers,
    body: options.body,
    connections: options.connections,
    duration: options.durationSec,
  }) as unknown as Promise<autocannon.Result> & EventEmitter;
  if (options.onTick) {
    const onTick = options.onTick;
    primary.on('tick', ({ counter }: { counter: number }) => onTick(counter));
  }
  const primaryResult = await primary;
  const pings = await pinger?.stop();
  const cpu = process.cpuUsage(cpuStart);
  const wallMs = performance.now() - wallStart;
  return {
    primary: summarise(primaryResult, options.expectStatus),
    side: pings ? summarisePings(pings, primaryResult.duration) : undefined,
    durationSec: primaryResult.duration,
    generatorCpuCores: (cpu.user + cpu.system) / 1000 / wallMs,
  };
}

/**
 * A warm-up ends after this long even if requests are left: a slow server (a control that
 * works 3 ms per request, a learner's file) is warm long before it has answered the 2,000
 * requests a fast one needs, and those cost lab 1's control 6 s a round. The labs' own
 * variants finish their warm-ups in under 0.5 s.
 */
export const WARMUP_LIMIT_MS = 2000;

/**
 * Warm-up, thrown away: `count` requests over `connections` keep-alive connections, or
 * `timeoutMs` (default WARMUP_LIMIT_MS), whichever comes first, so JIT, pools and sockets
 * are ready. Sent directly because autocannon only stops on whole seconds.
 */
export async function warmUp(
  options: Pick<LoadOptions, 'port' | 'path' | 'method' | 'headers' | 'body' | 'connections'> & { count: number; timeoutMs?: number },
): Promise<void> {
  if (options.count <= 0) return;
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const deadline = performance.now() + (options.timeoutMs ?? WARMUP_LIMIT_MS);
  let remaining = options.count;
  const worker = async () => {
    while (remaining > 0 && performance.now() < deadline) {
      remaining--;
      // A warm-up answer that never comes must not hold the run past its deadline; a failed
      // one is thrown away like the rest.
      const timeoutMs = Math.max(1, deadline - performance.now());
      await send({ port: options.port, path: options.path, method: options.method, headers: options.headers, body: options.body, agent, timeoutMs, discardBody: true }).catch(() => {});
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.connections, options.count) }, worker));
  } finally {
    agent.destroy();
  }
}

/**
 * The download client: `connections` keep-alive connections, each sending the next GET as
 * soon as the last body has arrived, counting body bytes and throwing them away. autocannon
 * keeps every body as a string, which caps it near 100–150 MB/s of CPU-bound parsing here;
 * for multi-megabyte answers the generator, not the server, would set the pace. New requests
 * stop after `durationSec`; requests in flight finish (bounded by a 30 s timeout).
 */
export async function runDownloads(options: LoadOptions): Promise<{ stream: StreamResult; durationSec: number; bytes: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const started = performance.now();
  const stopAt = started + options.durationSec * 1000;
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  let bytes = 0;
  let errors = 0;
  let timeouts = 0;
  const once = () =>
    new Promise<void>((resolve) => {
      const sent = performance.now();
      const req = request(
        { host: '127.0.0.1', port: options.port, path: options.path, method: options.method ?? 'GET', agent, timeout: 30_000 },
        (res) => {
          res.on('data', (chunk: Buffer) => (bytes += chunk.length));
          res.on('end', () => {
            latencies.push(performance.now() - sent);
            const status = String(res.statusCode ?? 0);
            statusCounts[status] = (statusCounts[status] ?? 0) + 1;
            resolve();
          });
          res.on('error', () => {
            errors++;
            resolve();
          });
        },
      );
      req.on('timeout', () => {
        timeouts++;
        req.destroy();
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end();
    });
  const worker = async () => {
    while (performance.now() < stopAt) await once();
  };
  try {
    await Promise.all(Array.from({ length: options.connections }, worker));
  } finally {
    agent.destroy();
  }
  const durationSec = (performance.now() - started) / 1000;
  const served = countServed(statusCounts, options.expectStatus);
  return {
    durationSec,
    bytes,
    stream: {
      requests: latencies.length,
      served,
      requestsPerSec: served / durationSec,
      latencyP50Ms: percentile(latencies, 50),
      latencyP99Ms: percentile(latencies, 99),
      latencyMaxMs: latencies.length ? Math.max(...latencies) : Number.NaN,
      statusCounts,
      errors,
      timeouts,
    },
  };
}

/** Responses that count as served: the expected statuses, or any 2xx. */
export function countServed(statusCounts: Record<string, number>, expectStatus?: number[]): number {
  const isServed = expectStatus ? (code: number) => expectStatus.includes(code) : (code: number) => code >= 200 && code < 300;
  return Object.entries(statusCounts).reduce((sum, [code, count]) => sum + (isServed(Number(code)) ? count : 0), 0);
}

function summarisePings(pings: PingResult, durationSec: number): StreamResult {
  const served = countServed(pings.statusCounts);
  return {
    requests: pings.scheduled,
    served,
    requestsPerSec: served / (durationSec > 0 ? durationSec : 1),
    latencyP50Ms: percentile(pings.latenciesMs, 50),
    latencyP99Ms: percentile(pings.latenciesMs, 99),
    latencyMaxMs: pings.latenciesMs.length ? Math.max(...pings.latenciesMs) : Number.NaN,
    statusCounts: pings.statusCounts,
    errors: pings.errors,
    timeouts: pings.timeouts,
  };
}

function summarise(result: autocannon.Result, expectStatus?: number[]): StreamResult {
  const statusCounts: Record<string, number> = {};
  const stats = (result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {};
  for (const [code, { count }] of Object.entries(stats)) statusCounts[code] = count;
  const served = countServed(statusCounts, expectStatus);
  const durationSec = result.duration > 0 ? result.duration : 1;
  return {
    requests: result.requests.total,
    served,
    requestsPerSec: served / durationSec,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
    statusCounts,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
