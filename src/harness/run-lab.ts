import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { HarnessError, PrerequisiteError } from '../errors.js';
import type { GivenRedis } from '../infra/redis.js';
import { provideRequirements, requirementsOf, unmetBy } from '../infra/requirements.js';
import type { LoadedLab } from '../lab/registry.js';
import { metrics as standardMetrics, type MetricName, type MetricTable } from '../lab/metrics.js';
import { claimVariants, type AnyLab, type Prediction, type RunSizing } from '../lab/types.js';
import {
  SCHEMA_VERSION,
  type ClaimResult,
  type Environment,
  type LabResult,
  type MeasureResult,
  type ModelResult,
  type RoundRun,
  type RoundsPlan,
  type RunConfig,
  type RunEvent,
  type SkippedVariant,
} from '../report/result.js';
import { Calibrator } from './calibrator.js';
import type { ProcessHost } from '../infra/host.js';
import { own, ownChild, ownTempDir } from './cleanup.js';
import { fingerprint, threadpoolSize } from './environment.js';
import { evaluateClaim, evaluateMeasure, summarise, worstVerdict } from './evaluate.js';
import { addCounts, AnswerTally, problemWith, type AnswerCount } from './answers.js';
import { countServed, GENERATOR_BOUND_CORES, runLoad, warmUp, type CheckedRequest, type LoadResult } from './load.js';
import { median } from './stats.js';
import { lookLevel, lookSchedule, MIN_ROUNDS } from './sequential.js';
import { runScenario } from './scenario.js';
import { VariantProcess } from './variant-process.js';
import { envStem, paramEnv, startVariant, VariantGroup } from './variant-group.js';

export interface RunOptions {
  quick: boolean;
  durationSec?: number;
  connections?: number;
  /** `--rounds N`: exactly N rounds, judged once at 95%. */
  rounds?: number;
  /** At most this many rounds, instead of the mode's cap, still stopping once every claim is decided (`check`). */
  maxRounds?: number;
  params: Record<string, number>;
  version: string;
  /** `--variant name=file`: absolute paths of programs run in place of the lab's own variants. */
  substitutes?: Record<string, string>;
  /** `--claims a,b`: evaluate only these claims, and run only what they need. */
  claims?: string[];
  /** `--redis-url` / `DEVCAP_REDIS_URL`, already checked; else a private redis-server. */
  redis?: GivenRedis;
  /** `--postgres-bin`: the directory of initdb, postgres and pg_basebackup; else DEVCAP_POSTGRES_BIN, PATH, /usr/lib/postgresql. */
  postgresBin?: string;
}

/** Where the real services come from, when the user named them. */
export type ServiceChoices = Pick<RunOptions, 'redis' | 'postgresBin'>;

export interface Progress {
  phase(text: string): void;
  tick(text: string): void;
  /** The run's progress as data (`--live`): the plan, each run, the claims after each round. */
  event?(event: RunEvent): void;
}

export { MIN_ROUNDS };

/** Errors and timeouts above this share of a stream's requests make a run invalid. */
export const MAX_FAILED_SHARE = 0.01;

const DEFAULT_COLUMNS: MetricName[] = ['requestsPerSec', 'latencyP50Ms', 'latencyP99Ms', 'eventLoopDelayP99Ms', 'serverCpuCores', 'rssPeakBytes'];

const silent: Progress = { phase() {}, tick() {} };

/** The variants a lab's rounds load: its workload's list, else all of them. */
const loadedVariants = (loaded: LoadedLab) => loaded.lab.workload.variants ?? Object.keys(loaded.lab.variants);

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

/** What a lab run has to work with once its services are up. */
interface Provided {
  env: Record<string, string>;
  redis: string | null;
  skipped: SkippedVariant[];
  services: LabResult['services'];
}

/**
 * Runs one lab: plan, provide its services, run the rounds and the scenarios, evaluate
 * the claims, assemble the result. Everything started is released in `finally`, and by
 * the cleanup registry if we are interrupted.
 */
export async function runLab(original: LoadedLab, options: RunOptions, progress: Progress = silent): Promise<LabResult> {
  // --claims loads only what those claims judge. So does --quick, made for CI: what only the
  // table and the measures compare (lab 1's node:http, lab 11's limiters) waits for a full run.
  const judged = options.claims ?? (options.quick ? original.lab.claims.map((claim) => claim.id) : undefined);
  const loaded = judged ? narrowed(original, judged) : original;
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const environment = fingerprint();
  const config = resolveConfig(loaded, options);
  config.notLoaded = loadedVariants(original).filter((name) => !config.variants.includes(name));
  const releases: Array<() => Promise<void>> = [];
  try {
    const provided = await provide(loaded, config, progress, releases, { redis: options.redis, postgresBin: options.postgresBin });
    const isSkipped = (name: string) => provided.skipped.some((entry) => entry.variant === name);
    const loadedNames = config.variants.filter((name) => !isSkipped(name));
    // Worked out once per variant and lab run, before the first round.
    const requests = new Map<string, CheckedRequest[]>();
    for (const name of loadedNames) requests.set(name, await resolveRequests(loaded.lab, name, config, provided.env));
    config.requests = Math.max(0, ...[...requests.values()].map((list) => list.length));
    const header = labHeader(loaded.lab);
    progress.event?.({
      type: 'plan',
      lab: header,
      config,
      headline: metricTable(loaded.lab)[header.headline] ?? { label: header.headline, unit: 'count', better: 'higher' },
      claims: loaded.lab.claims.map((claim) => ({ id: claim.id, kind: claim.kind, statement: claim.statement })),
      skipped: provided.skipped,
      totalRuns: config.connections.length * config.rounds * loadedNames.length,
    });
    // Sequential rounds (sequential.ts): after some rounds, the claims are judged on the runs
    // so far at the looks' level; once every one is decided, no more rounds. --rounds N fixes N.
    const table = metricTable(loaded.lab);
    const judgedClaims = loaded.lab.claims.filter((claim) => claim.kind !== 'scenario' && !claimVariants(claim).some(isSkipped));
    const decided = (runs: RoundRun[], level: number) =>
      judgedClaims.every((claim) => {
        if (claim.kind === 'scenario') return true;
        const verdict = evaluateClaim(claim, { runs, connections: config.claimsAtConnections, table, sidePath: config.side?.path, level }).verdict;
        return verdict !== 'inconclusive';
      });
    const { runs, plan } = await runRounds(loaded, loadedNames, config, provided.env, requests, progress, releases, options.rounds === undefined ? decided : undefined);
    const scenarioResults: ClaimResult[] = [];
    for (const claim of loaded.lab.claims) {
      if (claim.kind !== 'scenario' || isSkipped(claim.variant)) continue;
      progress.phase(`${loaded.lab.slug}: scenario ${claim.id}`);
      // A scenario may run its process at parameters of its own (the lesson's lifetime beside a shortened one).
      const at = claim.params ? { ...config, params: { ...config.params, ...claim.params } } : config;
      const group = await VariantGroup.start(loaded, claim.variant, at, provided.env);
      try {
        scenarioResults.push(
          await runScenario(claim, group.port, { params: at.params, env: provided.env, serverOutput: () => group.server.outputText(), processes: group }),
        );
      } finally {
        await group.stop();
      }
    }
    return assemble(loaded, options, config, { ...environment, redis: provided.redis }, provided, runs, plan, scenarioResults, startedAt, started);
  } finally {
    for (const release of releases.reverse()) await release();
  }
}

/** How infra starts and owns the service processes: the harness's own process handling. */
export const processHost: ProcessHost = {
  startNode: (options) => VariantProcess.start(options),
  own: (child, name, signatures) => ownChild(child, name, signatures),
  ownKeys: (url, keyPrefix, release) => own({ name: `Redis keys ${keyPrefix}*`, redisKeys: { url, keyPrefix }, release, kill: () => {} }),
  ownDir: (dir) => ownTempDir(dir),
};

/** Real services (Redis, the database), the lab's data and its own services. */
export async function provide(loaded: LoadedLab, config: RunConfig, progress: Progress, releases: Array<() => Promise<void>>, choices: ServiceChoices = {}): Promise<Provided> {
  const { lab } = loaded;
  const env: Record<string, string> = {};
  const services: LabResult['services'] = [];
  const requirements = await provideRequirements(requirementsOf(lab), progress, { ...choices, host: processHost, labModule: join(loaded.compiledDir, 'lab.js') });
  releases.push(requirements.release);
  Object.assign(env, requirements.env);
  for (const note of requirements.notes) services.push({ name: note.slice(0, note.indexOf(':')), summary: note.slice(note.indexOf(':') + 2) });
  // Variants whose real services are missing are skipped with their claims; the run fails
  // with a missing prerequisite only when nothing at all could run.
  const skipped: SkippedVariant[] = [];
  for (const name of Object.keys(lab.variants)) {
    const unmet = unmetBy(lab, name, requirements.missing);
    if (unmet.length) skipped.push({ variant: name, requires: unmet.map((entry) => entry.requirement), reason: unmet.map((entry) => entry.message).join('; ') });
  }
  const runnable = Object.keys(lab.variants).filter((name) => !skipped.some((entry) => entry.variant === name));
  if (skipped.length && !runnable.length) {
    const first = requirements.missing[0]!;
    throw new PrerequisiteError(`DEVCAP_${first.requirement.toUpperCase()}_MISSING`, `${lab.slug}: nothing can run. ${first.message}`);
  }
  if (lab.setup) {
    const tempDir = mkdtempSync(join(tmpdir(), `devcap-${lab.slug}-`));
    releases.push(ownTempDir(tempDir));
    progress.phase(`${lab.slug}: preparing data`);
    Object.assign(env, await lab.setup({ tempDir, params: config.params, env: { ...env } }));
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
    services.push({ name, summary: definition.summary });
  }
  return { env, redis: requirements.redis, skipped, services };
}

/**
 * The measured stream's requests with their correct answers, worked out once per lab run
 * with the services up; each complete (the workload's method, headers and body filled in).
 */
export async function resolveRequests(lab: AnyLab, variant: string, config: RunConfig, env: Record<string, string>): Promise<CheckedRequest[]> {
  const { workload } = lab;
  // Until every lab declares its answers (the contract test lists those that do not), a lab without them sends its one path unchecked.
  if (!workload.requests) return [];
  const declared = await workload.requests({ variant, params: config.params, env });
  if (!declared.length) throw new HarnessError('DEVCAP_LAB_DEFINITION', `${lab.slug}: workload.requests returned no request`);
  return declared.map((entry) => {
    // The download client keeps no body: it can check a size and a hash, nothing a body is needed for.
    if (workload.client === 'download' && (entry.expect.body !== undefined || entry.expect.json !== undefined || entry.expect.check)) {
      throw new HarnessError('DEVCAP_LAB_DEFINITION', `${lab.slug}: the download client checks bytes and sha256 only, not body, json or check (${entry.path})`);
    }
    return {
      path: entry.path,
      method: entry.method ?? workload.method ?? 'GET',
      headers: entry.headers ?? workload.headers,
      body: entry.body ?? workload.body,
      expect: entry.expect,
    };
  });
}

/**
 * Rounds of fresh processes; the order alternates (A B C, C B A) so drift favours no one.
 * With `decided` (no --rounds), the block of rounds the claims are judged at stops at the
 * first look (sequential.ts) where every judged claim is decided; other connection counts
 * (the table's) run the cap.
 */
async function runRounds(
  loaded: LoadedLab,
  names: string[],
  config: RunConfig,
  env: Record<string, string>,
  requests: Map<string, CheckedRequest[]>,
  progress: Progress,
  releases: Array<() => Promise<void>>,
  decided?: (runs: RoundRun[], level: number) => boolean,
): Promise<{ runs: RoundRun[]; plan: RoundsPlan }> {
  const runs: RoundRun[] = [];
  const looks = decided ? lookSchedule(config.rounds) : [config.rounds];
  const plan: RoundsPlan = { ran: 0, cap: config.rounds, looks, level: lookLevel(looks.length), stopped: decided ? 'cap' : 'fixed' };
  if (!names.length) return { runs, plan: { ...plan, stopped: 'none' } };
  let calibrator: Calibrator | undefined;
  if (loaded.lab.calibrate) {
    calibrator = Calibrator.start(loaded);
    const stop = () => calibrator!.stop();
    releases.push(stop);
  }
  let total = config.connections.length * config.rounds * names.length;
  const started = performance.now();
  for (const connections of config.connections) {
    const judged = connections === config.claimsAtConnections;
    for (let round = 0; round < config.rounds; round++) {
      const order = round % 2 === 0 ? names : [...names].reverse();
      for (const [position, variant] of order.entries()) {
        const left = timeLeft(runs.length, total, performance.now() - started, config.durationSec);
        const of = judged && decided ? `round ${round + 1} of at most ${config.rounds}` : `round ${round + 1}/${config.rounds}`;
        progress.phase(`${loaded.lab.slug}: ${variant}, ${connections} connection${connections === 1 ? '' : 's'}, ${of} (run ${runs.length + 1} of ${decided ? 'at most ' : ''}${total}, ${left})`);
        runs.push(await runOnce(loaded, variant, connections, round, position, config, env, requests.get(variant)!, progress, calibrator));
        progress.event?.({ type: 'run', day: loaded.lab.day, run: runs.at(-1)!, done: runs.length, totalRuns: total });
      }
      if (!judged) continue;
      plan.ran = round + 1;
      if (progress.event && round >= 1) progress.event({ type: 'claims', day: loaded.lab.day, afterRound: round + 1, claims: interimClaims(loaded, runs, config, plan.level) });
      if (decided && round + 1 < config.rounds && looks.includes(round + 1) && decided(runs, plan.level)) {
        plan.stopped = 'decided';
        total -= (config.rounds - round - 1) * names.length;
        break;
      }
    }
  }
  return { runs, plan };
}

/**
 * The judged claims on the rounds so far, as the final evaluation will judge them: how the
 * interval narrows round by round. A claim that cannot be judged yet is left out.
 */
export function interimClaims(loaded: LoadedLab, runs: RoundRun[], config: RunConfig, level = 0.95): ClaimResult[] {
  const context = { runs, connections: config.claimsAtConnections, table: metricTable(loaded.lab), sidePath: config.side?.path, level };
  const judged: ClaimResult[] = [];
  for (const claim of loaded.lab.claims) {
    if (claim.kind === 'scenario') continue;
    try {
      judged.push(evaluateClaim(claim, context));
    } catch {
      // Too few rounds of a variant yet (a model claim before its calibration): next round.
    }
  }
  return judged;
}

function metricTable(lab: AnyLab): MetricTable {
  return { ...standardMetrics, ...lab.metrics };
}

function labHeader(lab: AnyLab): LabResult['lab'] {
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

/** Each unit measured before and after a load, as one value: their geometric mean. */
export function bracket(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(before).map(([key, value]) => {
      const other = after[key];
      return [key, other !== undefined && value > 0 && other > 0 ? Math.sqrt(value * other) : value];
    }),
  );
}

/**
 * What the progress line says is left of the loads: before the first run, the plan (each
 * run is its measured seconds plus about 1.5 s to start a process, warm up and read the
 * probe); after it, the pace of the runs so far on this machine.
 */
export function timeLeft(done: number, total: number, elapsedMs: number, durationSec: number): string {
  const remaining = total - done;
  const perRunSec = done ? elapsedMs / 1000 / done : durationSec + 1.5;
  const seconds = Math.max(1, Math.round(remaining * perRunSec));
  const text = seconds < 90 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
  return `${done ? '' : 'about '}${text} of loads left`;
}

async function runOnce(
  loaded: LoadedLab,
  variant: string,
  connections: number,
  round: number,
  order: number,
  config: RunConfig,
  env: Record<string, string>,
  requests: CheckedRequest[],
  progress: Progress,
  calibrator: Calibrator | undefined,
): Promise<RoundRun> {
  const { lab } = loaded;
  const group = await VariantGroup.start(loaded, variant, config, env);
  const server = group.server;
  try {
    const { path, method, headers, body, expectStatus } = lab.workload;
    const load = { port: server.port, path, method, headers, body, connections, requests: requests.length ? requests : undefined, expectStatus };
    const warmUpAnswers = await warmUp({ ...load, count: config.warmupRequests });
    // Measured now, while this variant waits: the same minute of the same shared machine as its load.
    const before = calibrator ? await calibrator.measure(config.params, env) : undefined;
    await server.probe('reset');
    const perSecond: number[] = [];
    const result = await runLoad({
      ...load,
      client: lab.workload.client,
      durationSec: config.durationSec,
      checkEvery: config.checkEvery,
      side: lab.workload.side,
      onTick: (count) => {
        perSecond.push(count);
        progress.tick(`${count.toLocaleString('en-US')} req/s`);
      },
    });
    const calibration = before && lab.calibrateAround ? bracket(before, await calibrator!.measure(config.params, env)) : before;
    if (!server.alive) {
      throw server.failure('DEVCAP_VARIANT_CRASHED', `${lab.slug}/${variant} died under load`);
    }
    const reading = await server.probe('read');
    const driveAnswers = new AnswerTally();
    const extra = lab.drive
      ? await lab.drive({
          variant,
          file: config.substitutes[variant] ?? loaded.variantPath(variant),
          round,
          order,
          port: server.port,
          connections,
          durationSec: config.durationSec,
          params: config.params,
          env,
          startFresh: () => startVariant(loaded, variant, config, env),
          own: processHost.own,
          processes: group,
          requests,
          checkAnswer: (expect, answer, request) => {
            const problem = problemWith(expect, answer, lab.workload.expectStatus);
            driveAnswers.record(request, problem);
            return problem;
          },
        })
      : {};
    const answers = {
      warmUp: warmUpAnswers,
      load: result.primary.answers,
      side: result.side?.answers ?? null,
      drive: driveAnswers.count(),
    };
    const metrics: Record<string, number> = {
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
            sidePings: result.side.requests,
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
    };
    return {
      variant,
      connections,
      round,
      order,
      pid: server.pid ?? null,
      metrics,
      statusCounts: result.primary.statusCounts,
      sideStatusCounts: result.side?.statusCounts ?? null,
      errors: result.primary.errors + (result.side?.errors ?? 0),
      timeouts: result.primary.timeouts + (result.side?.timeouts ?? 0),
      generatorBound: result.generatorCpuCores >= GENERATOR_BOUND_CORES,
      answers,
      invalid: joinProblems(invalidity(result, lab.workload.path, lab.workload.expectStatus, config.side?.path), wrongAnswers(answers)),
      timeline: { requestsPerSec: perSecond, ...reading.timeline },
      ...(calibration ? { calibration, predicted: predictionsFor(lab, variant, calibration, config, connections) } : {}),
      ...(!calibration && lab.model ? { predicted: predictionsFor(lab, variant, {}, config, connections) } : {}),
    };
  } finally {
    await group.stop();
  }
}

/**
 * Why a run's numbers do not describe the code under test, or null: an answer outside the
 * expected statuses on either stream, no answer at all, or errors and timeouts above 1%.
 * autocannon and the pinger time every answer, a fast 500 included, so such a run could
 * otherwise confirm anything.
 */
export function invalidity(result: LoadResult, path: string, expectStatus: number[] | undefined, sidePath: string | undefined): string | null {
  const problems: string[] = [];
  const streams = [{ stream: result.primary, path, expected: expectStatus }, ...(result.side ? [{ stream: result.side, path: sidePath ?? 'side', expected: undefined }] : [])];
  for (const { stream, path: where, expected } of streams) {
    const answered = Object.values(stream.statusCounts).reduce((sum, count) => sum + count, 0);
    const wrong = answered - countServed(stream.statusCounts, expected);
    const failed = stream.errors + stream.timeouts;
    const counts = Object.entries(stream.statusCounts).map(([status, count]) => `${count} × ${status}`).join(', ');
    const wanted = expected ? expected.join(' or ') : '2xx';
    if (answered === 0) problems.push(`${where} got no answer (${failed} errors or timeouts)`);
    else if (wrong > 0) problems.push(`${where} answered ${counts} (expected ${wanted})`);
    if (answered > 0 && failed > MAX_FAILED_SHARE * (answered + failed)) problems.push(`${where} had ${failed} errors or timeouts in ${answered + failed} requests`);
  }
  return problems.length ? problems.join('; ') : null;
}

/** Why a run's answers make it invalid (any wrong one, on any stream), or null. */
export function wrongAnswers(answers: NonNullable<RoundRun['answers']>): string | null {
  const streams: Array<[string, AnswerCount | null]> = [
    ['the warm-up', answers.warmUp],
    ['the load', answers.load],
    ['the side stream', answers.side],
    ["the lab's own requests", answers.drive],
  ];
  const wrong = streams.filter((entry): entry is [string, AnswerCount] => entry[1] !== null && entry[1].wrong > 0);
  if (!wrong.length) return null;
  const all = addCounts(...wrong.map(([, count]) => count));
  const where = wrong.map(([name, count]) => `${count.wrong.toLocaleString('en-US')} of ${count.checked.toLocaleString('en-US')} in ${name}`).join(', ');
  return `${all.wrong.toLocaleString('en-US')} wrong answer${all.wrong === 1 ? '' : 's'} (${where}); the first: ${all.firstWrong}`;
}

const joinProblems = (...problems: Array<string | null>) => problems.filter((problem) => problem !== null).join('; ') || null;

function predictionsFor(lab: AnyLab, variant: string, calibration: Record<string, number>, config: RunConfig, connections: number): Record<string, number> {
  if (!lab.model) return {};
  const predictions = lab.model.predict(modelContext(config, calibration, connections));
  return Object.fromEntries(predictions.filter((prediction) => prediction.variant === variant).map((prediction) => [prediction.metric, prediction.value]));
}

function modelContext(config: RunConfig, calibration: Record<string, number>, connections: number) {
  return { cpuCount: fingerprint().cpuCount, connections, threadpoolSize: threadpoolSize(), params: config.params, calibration };
}

function assemble(
  loaded: LoadedLab,
  options: RunOptions,
  config: RunConfig,
  environment: Environment,
  provided: Provided,
  runs: RoundRun[],
  plan: RoundsPlan,
  scenarioResults: ClaimResult[],
  startedAt: string,
  started: number,
): LabResult {
  const { lab } = loaded;
  const names = Object.keys(lab.variants);
  const table = metricTable(lab);
  const warnings: string[] = [];
  const boundRuns = runs.filter((run) => run.generatorBound);
  if (boundRuns.length) {
    const where = [...new Set(boundRuns.map((run) => `${run.variant} at ${run.connections} connections`))].join(', ');
    warnings.push(`the load generator used ${GENERATOR_BOUND_CORES} of a core or more (${where}): there the generator, not the server, set the limit`);
  }
  const invalidRuns = runs.filter((run) => run.invalid);
  for (const run of invalidRuns) warnings.push(`${run.variant}, round ${run.round + 1}: invalid run: ${run.invalid}`);
  const failing = runs.filter((run) => !run.invalid && (run.errors > 0 || run.timeouts > 0));
  if (failing.length) warnings.push(`${failing.length} run(s) saw a few connection errors or timeouts (under 1%); see runs[].errors and runs[].timeouts`);
  for (const [name, file] of Object.entries(config.substitutes)) warnings.push(`${name} is not the lab's own code: --variant ran ${file} in its place`);
  const loadAverage = environment.loadAverage[0];
  if (loadAverage > environment.cpuCount) {
    warnings.push(`the machine was already busy (1-minute load average ${loadAverage} on ${environment.cpuCount} CPUs): expect wider intervals`);
  }

  const at = config.claimsAtConnections;
  const context = { runs, connections: at, table, sidePath: config.side?.path, level: plan.level };
  const skippedFor = (variants: string[]) => provided.skipped.filter((entry) => variants.includes(entry.variant));
  const claims = lab.claims.map((claim) => {
    const variants = claimVariants(claim);
    const missing = skippedFor(variants);
    if (missing.length) return skippedClaim(claim, variants, missing);
    return claim.kind === 'scenario' ? scenarioResults.find((result) => result.id === claim.id)! : evaluateClaim(claim, context);
  });
  const measures = (lab.measures ?? [])
    .filter((measure) => !skippedFor([measure.numerator, measure.denominator]).length)
    .map((measure) => evaluateMeasure(measure, context))
    .filter((measure): measure is MeasureResult => measure !== null);

  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'devcap', version: options.version },
    lab: labHeader(lab),
    startedAt,
    wallTimeMs: Math.round(performance.now() - started),
    environment,
    config,
    metrics: Object.fromEntries(
      [...new Set(runs.flatMap((run) => Object.keys(run.metrics)))].map((name) => [name, table[name] ?? { label: name, unit: 'count', better: 'higher' }]),
    ),
    services: provided.services,
    variants: names.map((name) => ({
      name,
      summary: lab.variants[name]!.summary,
      file: config.substitutes[name] ?? lab.variants[name]!.file,
      substituted: name in config.substitutes,
    })),
    runs,
    rounds: plan,
    summary: summarise(runs),
    claims,
    measures,
    model: modelResult(lab, config, runs, at, (variant) => skippedFor([variant]).length > 0),
    skipped: provided.skipped,
    warnings,
    outcome: worstVerdict(claims.flatMap((claim) => (claim.verdict === 'skipped' ? [] : [claim.verdict]))),
  };
}

/** The model beside the measurement: each run predicted from its own calibration, then medians. */
function modelResult(lab: AnyLab, config: RunConfig, runs: RoundRun[], at: number, isSkipped: (variant: string) => boolean): ModelResult | null {
  if (!lab.model) return null;
  const mine = runs.filter((run) => run.connections === at);
  // Nothing was loaded (a run of scenarios only): there is nothing to predict.
  if (!mine.length) return null;
  const calibrations = mine.map((run) => run.calibration ?? {});
  const keys = [...new Set(calibrations.flatMap((calibration) => Object.keys(calibration)))];
  const calibration = Object.fromEntries(keys.map((key) => [key, median(calibrations.flatMap((entry) => (entry[key] !== undefined ? [entry[key]!] : [])))]));
  // The reasoning in words comes from the median calibration; the numbers from each run's own.
  const described: Prediction<string, string>[] = lab.model.predict(modelContext(config, calibration, at));
  return {
    statement: lab.model.statement,
    calibration,
    predictions: described
      // An invalid run's numbers do not describe the code: a variant with no valid run is not scored.
      .filter((prediction) => !isSkipped(prediction.variant) && mine.some((run) => run.variant === prediction.variant && !run.invalid))
      .map((prediction) => {
        const own = mine.filter((run) => run.variant === prediction.variant && !run.invalid);
        const pairs = own.flatMap((run) => {
          const predicted = run.predicted?.[prediction.metric];
          const measured = run.metrics[prediction.metric];
          return predicted !== undefined && measured !== undefined ? [{ predicted, measured }] : [];
        });
        return {
          variant: prediction.variant,
          metric: prediction.metric,
          predicted: pairs.length ? median(pairs.map((pair) => pair.predicted)) : prediction.value,
          measured: median(own.map((run) => run.metrics[prediction.metric] ?? Number.NaN)),
          measuredOverPredicted: median(pairs.map((pair) => pair.measured / pair.predicted)),
          reasoning: prediction.reasoning,
        };
      }),
  };
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
    rounds: 0,
    sentence: `skipped: ${missing.map((entry) => `${entry.variant} needs ${entry.requires.join(', ')}`).join('; ')}`,
  };
}

/** `user-api` → `USER_API_URL`. */
export function serviceEnvName(service: string): string {
  return `${envStem(service)}_URL`;
}

export { startVariant };
