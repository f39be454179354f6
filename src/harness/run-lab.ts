import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { HarnessError, PrerequisiteError } from '../errors.js';
import { provideRequirements, requirementsOf, unmetBy } from '../infra/requirements.js';
import type { LoadedLab } from '../lab/registry.js';
import { metrics as standardMetrics, type MetricName, type MetricTable } from '../lab/metrics.js';
import type { AnyLab, RunSizing } from '../lab/types.js';
import { SCHEMA_VERSION, type ClaimResult, type LabResult, type ModelResult, type RoundRun, type RunConfig, type SkippedVariant } from '../report/result.js';
import { ownTempDir } from './cleanup.js';
import { fingerprint, threadpoolSize } from './environment.js';
import { evaluateClaim, evaluateMeasure, summarise, worstVerdict } from './evaluate.js';
import { GENERATOR_BOUND_CORES, runLoad, warmUp } from './load.js';
import { median } from './stats.js';
import { runScenario } from './scenario.js';
import { VariantProcess } from './variant-process.js';

export interface RunOptions {
  quick: boolean;
  durationSec?: number;
  connections?: number;
  rounds?: number;
  params: Record<string, number>;
  version: string;
  /** `--variant name=file`: absolute paths of programs run in place of the lab's own variants. */
  substitutes?: Record<string, string>;
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
    substitutes: options.substitutes ?? {},
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

  const table: MetricTable = { ...standardMetrics, ...lab.metrics };
  let loadedNames = lab.workload.variants ?? names;

  // Everything below owns processes or files: released in `finally`, and by the
  // cleanup registry if we are interrupted.
  const releases: Array<() => Promise<void>> = [];
  const runs: RoundRun[] = [];
  const scenarioResults: ClaimResult[] = [];
  let calibration: Record<string, number> = {};
  // Variants whose real services (Redis) are missing are skipped with their claims;
  // the run fails with a missing prerequisite only when nothing at all could run.
  const skipped: SkippedVariant[] = [];
  const infraServices: LabResult['services'] = [];
  try {
    const env: Record<string, string> = {};
    const provided = await provideRequirements(requirementsOf(lab), progress);
    releases.push(provided.release);
    Object.assign(env, provided.env);
    for (const note of provided.notes) infraServices.push({ name: note.slice(0, note.indexOf(':')), summary: note.slice(note.indexOf(':') + 2) });
    for (const name of names) {
      const unmet = unmetBy(lab, name, provided.missing);
      if (unmet.length) skipped.push({ variant: name, requires: unmet.map((entry) => entry.requirement), reason: unmet.map((entry) => entry.message).join('; ') });
    }
    const isSkipped = (name: string) => skipped.some((entry) => entry.variant === name);
    loadedNames = loadedNames.filter((name) => !isSkipped(name));
    const scenarios = lab.claims.filter((claim) => claim.kind === 'scenario' && !isSkipped(claim.variant));
    if (skipped.length && !loadedNames.length && !scenarios.length) {
      const first = provided.missing[0]!;
      throw new PrerequisiteError(`DEVCAP_${first.requirement.toUpperCase()}_MISSING`, `${lab.slug}: nothing can run. ${first.message}`);
    }
    if (lab.setup) {
      const tempDir = mkdtempSync(join(tmpdir(), `devcap-${lab.slug}-`));
      releases.push(ownTempDir(tempDir));
      progress.phase(`${lab.slug}: preparing data`);
      Object.assign(env, await lab.setup({ tempDir, params: config.params }));
    }
    for (const [name, definition] of Object.entries(lab.services ?? {})) {
      progress.phase(`${lab.slug}: starting ${name}`);
      const service = await VariantProcess.start({
        name: `${lab.slug}/${name}`,
        file: loaded.servicePath(name),
        env: { ...env, ...definition.env, ...paramEnv(loaded, config) },
        readyPath: definition.readyPath,
      });
      releases.push(() => service.stop());
      env[serviceEnvName(name)] = `http://127.0.0.1:${service.port}`;
    }

    calibration = lab.calibrate ? await lab.calibrate(config.params, env) : {};

    for (const connections of config.connections) {
      for (let round = 0; round < config.rounds; round++) {
        const order = round % 2 === 0 ? loadedNames : [...loadedNames].reverse();
        for (const [position, variant] of order.entries()) {
          progress.phase(`${lab.slug}: ${variant}, ${connections} connection${connections === 1 ? '' : 's'}, round ${round + 1}/${config.rounds}`);
          runs.push(await runOnce(loaded, variant, connections, round, position, config, env, progress));
        }
      }
    }

    for (const claim of scenarios) {
      if (claim.kind !== 'scenario') continue;
      progress.phase(`${lab.slug}: scenario ${claim.id}`);
      const server = await startVariant(loaded, claim.variant, config, env);
      try {
        scenarioResults.push(await runScenario(claim, server.port, { params: config.params, env, serverOutput: () => server.outputText() }));
      } finally {
        await server.stop();
      }
    }
  } finally {
    for (const release of releases.reverse()) await release();
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
  for (const [name, file] of Object.entries(config.substitutes)) {
    warnings.push(`${name} is not the lab's own code: --variant ran ${file} in its place`);
  }
  const loadAverage = environment.loadAverage[0];
  if (loadAverage > environment.cpuCount) {
    warnings.push(`the machine was already busy (1-minute load average ${loadAverage} on ${environment.cpuCount} CPUs): expect wider intervals`);
  }

  const at = config.claimsAtConnections;
  const context = { runs, connections: at, table, sidePath: config.side?.path };
  const skippedFor = (variants: string[]) => skipped.filter((entry) => variants.includes(entry.variant));
  const claims = lab.claims.map((claim) => {
    const variants = claim.kind === 'scenario' ? [claim.variant] : claim.kind === 'ratio' ? [claim.numerator, claim.denominator] : [claim.variant];
    const missing = skippedFor(variants);
    if (missing.length) return skippedClaim(claim, variants, missing);
    return claim.kind === 'scenario' ? scenarioResults.find((result) => result.id === claim.id)! : evaluateClaim(claim, context);
  });
  const measures = (lab.measures ?? [])
    .filter((measure) => !skippedFor([measure.numerator, measure.denominator]).length)
    .map((measure) => evaluateMeasure(measure, context));

  let model: ModelResult | null = null;
  if (lab.model) {
    const predictions = lab.model
      .predict({
        cpuCount: environment.cpuCount,
        connections: at,
        threadpoolSize: threadpoolSize(),
        params: config.params,
        calibration,
      })
      .filter((prediction) => !skippedFor([prediction.variant]).length);
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
    metrics: Object.fromEntries(
      [...new Set(runs.flatMap((run) => Object.keys(run.metrics)))].map((name) => [name, table[name] ?? { label: name, unit: 'count', better: 'higher' }]),
    ),
    services: [...infraServices, ...Object.entries(lab.services ?? {}).map(([name, service]) => ({ name, summary: service.summary }))],
    variants: names.map((name) => ({
      name,
      summary: lab.variants[name]!.summary,
      file: config.substitutes[name] ?? lab.variants[name]!.file,
      substituted: name in config.substitutes,
    })),
    runs,
    summary: summarise(runs),
    claims,
    measures,
    model,
    skipped,
    warnings,
    outcome: worstVerdict(claims.flatMap((claim) => (claim.verdict === 'skipped' ? [] : [claim.verdict]))),
  };
}

async function runOnce(
  loaded: LoadedLab,
  variant: string,
  connections: number,
  round: number,
  order: number,
  config: RunConfig,
  env: Record<string, string>,
  progress: Progress,
): Promise<RoundRun> {
  const { lab } = loaded;
  const server = await startVariant(loaded, variant, config, env);
  try {
    const { path, method, headers, body } = lab.workload;
    const load = { port: server.port, path, method, headers, body, connections };
    await warmUp({ ...load, count: config.warmupRequests });
    await server.probe('reset');
    const result = await runLoad({
      ...load,
      client: lab.workload.client,
      durationSec: config.durationSec,
      expectStatus: lab.workload.expectStatus,
      side: config.side ?? undefined,
      onTick: (count) => progress.tick(`${count.toLocaleString('en-US')} req/s`),
    });
    if (!server.alive) {
      throw new HarnessError('DEVCAP_VARIANT_CRASHED', `${lab.slug}/${variant} died under load${server.stderrTail() ? `: ${server.stderrTail()}` : ''}`);
    }
    const reading = await server.probe('read');
    const extra = lab.drive
      ? await lab.drive({ variant, port: server.port, connections, durationSec: config.durationSec, params: config.params, env })
      : {};
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
        // CPU the server spent over the answers that counted: the cost of one request.
        ...(result.primary.served > 0 ? { serverCpuMsPerRequest: (reading.serverCpuCores * reading.wallMs) / result.primary.served } : {}),
        rssPeakBytes: reading.rssPeakBytes,
        heapUsedPeakBytes: reading.heapUsedPeakBytes,
        generatorCpuCores: result.generatorCpuCores,
        ...(result.bytesPerSec !== undefined ? { bytesPerSec: result.bytesPerSec } : {}),
        ...(extra as Record<string, number>),
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

/** A claim that could not be evaluated because a variant it needs was skipped. */
function skippedClaim(claim: AnyLab['claims'][number], variants: string[], missing: SkippedVariant[]): ClaimResult {
  return {
    id: claim.id,
    kind: claim.kind,
    statement: claim.statement,
    metric: claim.kind === 'scenario' ? null : claim.metric,
    verdict: 'skipped',
    estimate: null,
    ci95: null,
    threshold: null,
    direction: null,
    variants,
    connections: null,
    samples: {},
    sentence: `skipped: ${missing.map((entry) => `${entry.variant} needs ${entry.requires.join(', ')}`).join('; ')}`,
  };
}

function paramEnv(loaded: LoadedLab, config: RunConfig): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, parameter] of Object.entries(loaded.lab.params ?? {})) env[parameter.env] = String(config.params[name]);
  return env;
}

/** `user-api` → `USER_API_URL`. */
export function serviceEnvName(service: string): string {
  return `${service.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_URL`;
}

function startVariant(loaded: LoadedLab, variant: string, config: RunConfig, env: Record<string, string>): Promise<VariantProcess> {
  return VariantProcess.start({
    name: `${loaded.lab.slug}/${variant}`,
    file: config.substitutes[variant] ?? loaded.variantPath(variant),
    env: { ...env, ...loaded.lab.variants[variant]!.env, ...paramEnv(loaded, config) },
    readyPath: loaded.lab.workload.readyPath,
  });
}
