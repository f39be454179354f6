import { performance } from 'node:perf_hooks';
import { HarnessError } from '../errors.js';
import type { LoadedLab } from '../lab/registry.js';
import type { MetricName } from '../lab/metrics.js';
import type { RunSizing } from '../lab/types.js';
import { SCHEMA_VERSION, type LabResult, type ModelResult, type RoundRun, type RunConfig } from '../report/result.js';
import { fingerprint, threadpoolSize } from './environment.js';
import { evaluateClaim, evaluateMeasure, summarise, worstVerdict } from './evaluate.js';
import { GENERATOR_BOUND_CORES, runLoad, warmUp } from './load.js';
import { median } from './stats.js';
import { VariantProcess } from './variant-process.js';

export interface RunOptions {
  quick: boolean;
  durationSec?: number;
  connections?: number;
  rounds?: number;
  params: Record<string, number>;
  version: string;
}

export interface Progress {
  phase(text: string): void;
  tick(text: string): void;
}

const DEFAULT_COLUMNS: MetricName[] = ['requestsPerSec', 'latencyP50Ms', 'latencyP99Ms', 'eventLoopDelayP99Ms', 'serverCpuCores', 'rssPeakBytes'];

const silent: Progress = { phase() {}, tick() {} };

export function resolveConfig(loaded: LoadedLab, options: RunOptions): RunConfig {
  const { workload } = loaded.lab;
  const base: RunSizing = options.quick ? workload.quick : workload.sizing;
  const connections = options.connections !== undefined ? [options.connections] : base.connections;
  const wanted = workload.claimsAtConnections;
  const claimsAtConnections = wanted !== undefined && connections.includes(wanted) ? wanted : Math.max(...connections);
  return {
    mode: options.quick ? 'quick' : 'default',
    durationSec: options.durationSec ?? base.durationSec,
    warmupRequests: base.warmupRequests,
    rounds: options.rounds ?? base.rounds,
    connections,
    claimsAtConnections,
    path: workload.path,
    side: workload.side ?? null,
    params: options.params,
  };
}

/**
 * Runs one lab: for each connection count, `rounds` rounds; in each round every variant
 * gets a fresh process, a discarded warm-up and a measured load. The order alternates
 * (A B, B A, …) so drift on the machine does not favour whoever goes first.
 */
export async function runLab(loaded: LoadedLab, options: RunOptions, progress: Progress = silent): Promise<LabResult> {
  const { lab } = loaded;
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const environment = fingerprint();
  const config = resolveConfig(loaded, options);
  const warnings: string[] = [];
  const names = Object.keys(lab.variants);

  const calibration = lab.calibrate ? await lab.calibrate(config.params) : {};

  const runs: RoundRun[] = [];
  for (const connections of config.connections) {
    for (let round = 0; round < config.rounds; round++) {
      const order = round % 2 === 0 ? names : [...names].reverse();
      for (const [position, variant] of order.entries()) {
        progress.phase(`${lab.slug}: ${variant}, ${connections} connection${connections === 1 ? '' : 's'}, round ${round + 1}/${config.rounds}`);
        runs.push(await runOnce(loaded, variant, connections, round, position, config, progress));
      }
    }
  }

  const boundRuns = runs.filter((run) => run.generatorBound);
  if (boundRuns.length) {
    const where = [...new Set(boundRuns.map((run) => `${run.variant} at ${run.connections} connections`))].join(', ');
    warnings.push(
      `the load generator used ${GENERATOR_BOUND_CORES} of a core or more (${where}): there the generator, not the server, set the limit`,
    );
  }
  const failing = runs.filter((run) => run.errors > 0 || run.timeouts > 0);
  if (failing.length) {
    warnings.push(`${failing.length} run(s) saw connection errors or timeouts; see runs[].errors and runs[].timeouts`);
  }
  const loadAverage = environment.loadAverage[0];
  if (loadAverage > environment.cpuCount) {
    warnings.push(`the machine was already busy (1-minute load average ${loadAverage} on ${environment.cpuCount} CPUs): expect wider intervals`);
  }

  const at = config.claimsAtConnections;
  const claims = lab.claims.map((claim) => evaluateClaim(claim, runs, at));
  const measures = (lab.measures ?? []).map((measure) => evaluateMeasure(measure, runs, at));

  let model: ModelResult | null = null;
  if (lab.model) {
    const predictions = lab.model.predict({
      cpuCount: environment.cpuCount,
      threadpoolSize: threadpoolSize(),
      params: config.params,
      calibration,
    });
    model = {
      statement: lab.model.statement,
      calibration,
      predictions: predictions.map((prediction) => ({
        variant: prediction.variant,
        metric: prediction.metric,
        predicted: prediction.value,
        measured: median(
          runs
            .filter((run) => run.variant === prediction.variant && run.connections === at)
            .map((run) => run.metrics[prediction.metric] ?? Number.NaN),
        ),
        reasoning: prediction.reasoning,
      })),
    };
  }

  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'devcap', version: options.version },
    lab: {
      day: lab.day,
      slug: lab.slug,
      title: lab.title,
      claim: lab.claim,
      takeaway: lab.takeaway,
      headline: lab.report?.headline ?? 'requestsPerSec',
      columns: lab.report?.columns ?? DEFAULT_COLUMNS,
    },
    startedAt,
    wallTimeMs: Math.round(performance.now() - started),
    environment,
    config,
    variants: names.map((name) => ({ name, summary: lab.variants[name]!.summary, file: lab.variants[name]!.file })),
    runs,
    summary: summarise(runs),
    claims,
    measures,
    model,
    warnings,
    outcome: worstVerdict(claims.map((claim) => claim.verdict)),
  };
}

async function runOnce(
  loaded: LoadedLab,
  variant: string,
  connections: number,
  round: number,
  order: number,
  config: RunConfig,
  progress: Progress,
): Promise<RoundRun> {
  const { lab } = loaded;
  const definition = lab.variants[variant]!;
  const env: Record<string, string> = { ...definition.env };
  for (const [name, parameter] of Object.entries(lab.params ?? {})) env[parameter.env] = String(config.params[name]);

  const server = await VariantProcess.start({
    name: `${lab.slug}/${variant}`,
    file: loaded.variantPath(variant),
    env,
    readyPath: lab.workload.readyPath,
  });
  try {
    const load = { port: server.port, path: lab.workload.path, method: lab.workload.method, connections };
    await warmUp({ ...load, count: config.warmupRequests });
    await server.probe('reset');
    const result = await runLoad({
      ...load,
      durationSec: config.durationSec,
      expectStatus: lab.workload.expectStatus,
      side: config.side ?? undefined,
      onTick: (count) => progress.tick(`${count.toLocaleString('en-US')} req/s`),
    });
    if (!server.alive) {
      throw new HarnessError('DEVCAP_VARIANT_CRASHED', `${lab.slug}/${variant} died under load${server.stderrTail() ? `: ${server.stderrTail()}` : ''}`);
    }
    const reading = await server.probe('read');
    return {
      variant,
      connections,
      round,
      order,
      pid: server.pid ?? null,
      metrics: {
        requestsPerSec: result.primary.requestsPerSec,
        latencyP50Ms: result.primary.latencyP50Ms,
        latencyP99Ms: result.primary.latencyP99Ms,
        latencyMaxMs: result.primary.latencyMaxMs,
        ...(result.side
          ? {
              sideLatencyP50Ms: result.side.latencyP50Ms,
              sideLatencyP99Ms: result.side.latencyP99Ms,
              sideLatencyMaxMs: result.side.latencyMaxMs,
              sideRequestsPerSec: result.side.requestsPerSec,
            }
          : {}),
        eventLoopDelayP50Ms: reading.eventLoopDelayP50Ms,
        eventLoopDelayP99Ms: reading.eventLoopDelayP99Ms,
        eventLoopDelayMaxMs: reading.eventLoopDelayMaxMs,
        eventLoopUtilization: reading.eventLoopUtilization,
        serverCpuCores: reading.serverCpuCores,
        rssPeakBytes: reading.rssPeakBytes,
        heapUsedPeakBytes: reading.heapUsedPeakBytes,
        generatorCpuCores: result.generatorCpuCores,
      },
      statusCounts: result.primary.statusCounts,
      sideStatusCounts: result.side?.statusCounts ?? null,
      errors: result.primary.errors + (result.side?.errors ?? 0),
      timeouts: result.primary.timeouts + (result.side?.timeouts ?? 0),
      generatorBound: result.generatorCpuCores >= GENERATOR_BOUND_CORES,
    };
  } finally {
    await server.stop();
  }
}
