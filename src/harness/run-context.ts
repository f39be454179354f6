/**
 * What one lab run carries from job to job (plan, provide, rounds, one run, validity, model,
 * assemble): one object, built as the run goes, instead of parameter lists.
 */
import type { GivenRedis } from '../infra/redis.js';
import type { LoadedLab } from '../lab/registry.js';
import type { MetricTable } from '../lab/metrics.js';
import type { ClaimResult, Environment, LabResult, RoundRun, RoundsPlan, RunConfig, RunEvent, SkippedVariant } from '../report/result.js';
import type { CheckedRequest } from './load.js';
import type { PhaseClock } from './phases.js';

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
  /**
   * `devcap check`: the rounds end as soon as the substituted file cannot pass. It runs first
   * in the first round, and its first run with a wrong answer ends them (`wrong-answers`);
   * so does a claim invalid, or contradicted at a look (`cannot-pass`).
   */
  check?: boolean;
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

export const silent: Progress = { phase() {}, tick() {} };

/** Released in reverse order when the run ends, however it ends. */
export type Releases = Array<() => Promise<void>>;

/** A lab run once planned: what it loads, at what sizes, from when. */
export interface RunContext {
  /** The lab as this run loads it: cut down to the judged claims under --claims and --quick. */
  readonly loaded: LoadedLab;
  readonly options: RunOptions;
  readonly config: RunConfig;
  readonly progress: Progress;
  readonly releases: Releases;
  /** The standard metrics and the lab's own. */
  readonly table: MetricTable;
  readonly environment: Environment;
  readonly startedAt: string;
  /** `performance.now()` at the start, for the wall time. */
  readonly startedMs: number;
  /** Where the time goes, phase by phase (the result's `timing`). */
  readonly clock: PhaseClock;
}

/** What a lab run has to work with once its services are up. */
export interface Provided {
  env: Record<string, string>;
  redis: string | null;
  skipped: SkippedVariant[];
  services: LabResult['services'];
}

/** A run with its services up and its requests worked out: ready for rounds. */
export interface ProvidedRun extends RunContext {
  readonly provided: Provided;
  /** The variants the rounds load: the plan's, less those skipped for a missing service. */
  readonly names: string[];
  /** The measured stream's requests per loaded variant, worked out once per lab run. */
  readonly requests: Map<string, CheckedRequest[]>;
}

/** What the rounds and the scenarios measured, for the result. */
export interface Measured {
  runs: RoundRun[];
  plan: RoundsPlan;
  scenarios: ClaimResult[];
}

export const isSkippedIn = (provided: Provided) => (variant: string) => provided.skipped.some((entry) => entry.variant === variant);
