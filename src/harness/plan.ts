/** The plan of a lab run: what it loads, at which sizes, claims judged on what. */
import { PhaseClock } from './phases.js';
import { performance } from 'node:perf_hooks';
import type { LoadedLab } from '../lab/registry.js';
import { metrics as standardMetrics, type MetricName, type MetricTable } from '../lab/metrics.js';
import { claimVariants, type AnyLab, type RunSizing } from '../lab/types.js';
import type { LabResult, RunConfig } from '../report/result.js';
import { fingerprint } from './environment.js';
import type { Progress, RunContext, RunOptions } from './run-context.js';
import { MIN_ROUNDS } from './sequential.js';

const DEFAULT_COLUMNS: MetricName[] = ['requestsPerSec', 'latencyP50Ms', 'latencyP99Ms', 'eventLoopDelayP99Ms', 'serverCpuCores', 'rssPeakBytes'];

/** The variants a lab's rounds load: its workload's list, else all of them. */
export const loadedVariants = (loaded: LoadedLab) => loaded.lab.workload.variants ?? Object.keys(loaded.lab.variants);

/** The plan: sizes from the mode, overridden by flags. */
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
    rounds: Math.max(MIN_ROUNDS, options.rounds ?? options.maxRounds ?? base.rounds),
    connections,
    claimsAtConnections,
    method: workload.method ?? 'GET',
    variants: loadedVariants(loaded),
    notLoaded: [],
    path: workload.path,
    requests: 0,
    checkEvery: workload.checkEvery ?? 1,
    side: workload.side ? { path: workload.side.path, ratePerSec: workload.side.ratePerSec } : null,
    params: options.params,
    substitutes: options.substitutes ?? {},
  };
}

/**
 * The lab cut down to some of its claims: only the variants they judge are loaded, and
 * only the measures and predictions about those variants are kept.
 */
export function narrowed(loaded: LoadedLab, ids: string[]): LoadedLab {
  const { lab } = loaded;
  const claims = lab.claims.filter((claim) => ids.includes(claim.id));
  const needed = new Set(claims.filter((claim) => claim.kind !== 'scenario').flatMap((claim) => claimVariants(claim)));
  const kept = loadedVariants(loaded).filter((name) => needed.has(name));
  const model = lab.model && { ...lab.model, predict: (context: Parameters<NonNullable<AnyLab['model']>['predict']>[0]) => lab.model!.predict(context).filter((prediction) => needed.has(prediction.variant)) };
  return {
    ...loaded,
    lab: {
      ...lab,
      claims,
      measures: (lab.measures ?? []).filter((measure) => needed.has(measure.numerator) && needed.has(measure.denominator)),
      workload: { ...lab.workload, variants: kept },
      model,
    },
  };
}

/** The run's context before anything starts: the lab as loaded, the plan, the machine now. */
export function planRun(original: LoadedLab, options: RunOptions, progress: Progress): RunContext {
  // --claims loads only what those claims judge. So does --quick, made for CI: what only the
  // table and the measures compare (lab 1's node:http, lab 11's limiters) waits for a full run.
  const judged = options.claims ?? (options.quick ? original.lab.claims.map((claim) => claim.id) : undefined);
  const loaded = judged ? narrowed(original, judged) : original;
  const startedMs = performance.now();
  const startedAt = new Date().toISOString();
  const environment = fingerprint();
  const config = resolveConfig(loaded, options);
  config.notLoaded = loadedVariants(original).filter((name) => !config.variants.includes(name));
  return { loaded, options, config, progress, releases: [], table: metricTable(loaded.lab), environment, startedAt, startedMs, clock: new PhaseClock() };
}

export function metricTable(lab: AnyLab): MetricTable {
  return { ...standardMetrics, ...lab.metrics };
}

export function labHeader(lab: AnyLab): LabResult['lab'] {
  return {
    day: lab.day,
    slug: lab.slug,
    title: lab.title,
    claim: lab.claim,
    takeaway: lab.takeaway,
    headline: lab.report?.headline ?? 'requestsPerSec',
    columns: lab.report?.columns ?? DEFAULT_COLUMNS,
  };
}
