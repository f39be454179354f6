import type { MetricInfo, MetricName } from './metrics.js';

/** One program the learner reads; it runs in its own fresh `node` process per round. */
export interface VariantDefinition {
  /** Compiled entry, relative to the lab folder, e.g. `variants/pbkdf2-sync.js`. */
  file: string;
  /** One line on the technique, shown in tables and `devcap list`. */
  summary: string;
  /** Extra environment for this variant's process (lab parameters are added to it). */
  env?: Record<string, string>;
  /** Real services this variant cannot run without; when one is missing it is skipped, with its claims. */
  requires?: Requirement[];
  /**
   * Processes that run beside every process of this variant, for as long as it runs: queue
   * workers, the services of a split system, a process of WebSocket clients. Each is a
   * fresh process per run (per scenario too), owned by the run like the variant itself.
   */
  companions?: Record<string, CompanionDefinition>;
}

/**
 * A process started with a variant's process. It is a small server too (`serve()` from
 * `devcap/serve`, so the probe and the readiness check work the same way): a queue worker
 * answers `readyPath` once it is connected, and may report counts on a path of its own.
 *
 * `start: 'before'` (default) companions start first, in parallel, and the variant gets
 * their URLs: `<NAME>_URL` (the first copy) and `<NAME>_URLS` (every copy, comma-separated).
 * `start: 'after'` companions start once the variant is ready and get its URL as
 * `SERVER_URL` (clients of the variant).
 */
export interface CompanionDefinition {
  /** Compiled entry, relative to the lab folder, e.g. `variants/worker.js`. */
  file: string;
  summary: string;
  /** How many copies (default 1), e.g. two queue workers. */
  count?: number;
  /** Answered with 200 once the companion is ready. */
  readyPath: string;
  start?: 'before' | 'after';
  /** Extra environment (the variant's environment, lab parameters and service URLs are given too). */
  env?: Record<string, string>;
}

/** A companion's process, as a lab's `drive` or a scenario sees it. */
export interface CompanionProcess {
  /** The companion's name in the definition, e.g. `worker`. */
  name: string;
  /** Which copy (from 0). */
  index: number;
  port: number;
  pid: number | undefined;
  readonly alive: boolean;
  /** Everything it has written to stdout and stderr so far (the last 256 KiB). */
  output(): string;
  /** Sends `signal` (default SIGTERM) and waits until the process has exited: a fault on cue, such as SIGKILL of a worker mid-job. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** What a lab may do to the processes of the variant under test, in `drive` and in scenario steps. */
export interface VariantProcesses {
  /** The companions started with this process of the variant, by name. */
  companions: Record<string, CompanionProcess[]>;
  /** Starts one more copy of a companion (a replacement worker); owned by the run, stopped with the variant. */
  startCompanion(name: string): Promise<CompanionProcess>;
  /** Stops the variant's own process (SIGTERM, then SIGKILL after a grace period): the server goes away. */
  stopServer(): Promise<void>;
  /**
   * Starts the variant's program again after `stopServer`, on the same port, so clients that
   * reconnect find it (a server restart). Owned by the run; stopped with the variant.
   */
  restartServer(): Promise<void>;
}

/**
 * A real service devcap provides (src/infra): `redis` → REDIS_URL, `database` → DATABASE_URL,
 * `postgres` → POSTGRES_PRIMARY_URL and POSTGRES_STANDBY_URL (a primary and a hot standby streaming from it).
 */
export type Requirement = 'redis' | 'database' | 'postgres';

/**
 * A process the variants talk to (a downstream API, a database server). Started once per
 * lab run, before any variant; its URL reaches every variant as `<NAME>_URL`
 * (`user-api` → `USER_API_URL`).
 */
export interface ServiceDefinition {
  file: string;
  summary: string;
  readyPath: string;
  env?: Record<string, string>;
}

/** A knob the learner can turn with `--set name=value`; reaches variants as an env var. */
export interface LabParameter {
  env: string;
  default: number;
  summary: string;
  min?: number;
  max?: number;
  /** Whole numbers only (default); `false` lets `--set` take a decimal fraction. */
  integer?: boolean;
}

export interface RunSizing {
  /** Measured load per run, whole seconds (autocannon stops on second boundaries). */
  durationSec: number;
  /** Requests sent and thrown away before each measured load. */
  warmupRequests: number;
  rounds: number;
  /** Connection counts to load at. */
  connections: number[];
}

/** An answer as a check sees it. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as text (the download client keeps none: it counts and hashes bodies as they stream). */
  body: string;
}

/**
 * What a correct answer is. Every field given must hold; a 200 alone proves nothing (a
 * server that answers at once without doing the work is fast, not right).
 */
export interface ExpectedAnswer {
  /** The status (default: the workload's `expectStatus`, else any 2xx). */
  status?: number;
  /** The body, exactly. */
  body?: string;
  /** The body parsed as JSON, deep-equal to this (the order of an object's keys aside). */
  json?: unknown;
  /** The body's length in bytes, and its SHA-256 in hex: for bodies too large to keep, counted and hashed as they stream. */
  bytes?: number;
  sha256?: string;
  /** Anything else, in the lab's words: why this answer is wrong, or null when it is right. */
  check?: (answer: Answer) => string | null;
}

/** One request of the measured stream and its correct answer; unset fields come from the workload's. */
export interface LoadRequest {
  path: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  expect: ExpectedAnswer;
}

/** What a lab has to work out its correct answers with: the run's parameters, service URLs and what `setup` returned. */
export interface AnswerContext {
  /** The variant the answers are for (a lab whose variants read different files expects different answers). */
  variant: string;
  params: Record<string, number>;
  env: Record<string, string>;
}

export interface Workload<V extends string = string> {
  /** The variants put under load (default: all). Others take part only in scenarios. */
  variants?: V[];
  /**
   * The load generator: autocannon (default), or `download`, a plain Node.js HTTP client
   * that discards bodies, for answers of many megabytes that autocannon would parse slowly.
   */
  client?: 'autocannon' | 'download';
  method?: 'GET' | 'POST';
  /** The measured route, as reports and `devcap serve` name it (the first of `requests`). */
  path: string;
  /** Headers and body sent with every request of the measured stream (and its warm-up) unless a request says otherwise. */
  headers?: Record<string, string>;
  body?: string;
  /**
   * The requests of the measured stream, each with what a correct answer to it is, worked out
   * once per lab run after `setup`, with the services up (the hex of the hash of the fixed
   * input, the file's size and checksum, each category's best sellers as the database returns
   * them). The load and its warm-up send them in turn, so a route that takes a parameter is
   * asked for several of its values: an answer cached under the wrong key is wrong, not fast.
   * Every answer is checked; a run with a wrong one is invalid.
   */
  requests?: (context: AnswerContext) => LoadRequest[] | Promise<LoadRequest[]>;
  /**
   * Check one answer in this many, from the first (default 1: every answer). For bodies too
   * large to hash without the generator becoming the limit; the report says which.
   */
  checkEvery?: number;
  /** Answered once before a variant counts as ready… */
  readyPath: string;
  /** …with this status (default 200): a server that answers anything else is not ready. */
  readyStatus?: number;
  /** Status codes that count as served (default: 2xx). */
  expectStatus?: number[];
  /** A light second stream beside the load, reported separately (e.g. `/ping`), and the exact body each answer must have. */
  side?: { path: string; ratePerSec: number; expectBody: string };
  sizing: RunSizing;
  quick: RunSizing;
  /** The connection count whose runs the claims use (default: the largest). */
  claimsAtConnections?: number;
}

/** "numerator's metric is at least `atLeast` times the denominator's". */
export interface RatioClaim<V extends string, M extends string, C extends string = string> {
  kind: 'ratio';
  id: C;
  statement: string;
  metric: MetricName | M;
  numerator: V;
  denominator: V;
  atLeast: number;
  /**
   * Judge the ratio against the same ratio of two other variants, (a/b) / (c/d) ≥ atLeast:
   * the effect beside its own control (a 4 MB blocking read vs a 4 KB one).
   */
  relativeTo?: { numerator: V; denominator: V };
}

/**
 * An exact count ("exactly 1 query reaches the database"): it must hold in every round,
 * and one round that breaks it contradicts the claim. No interval: a count is not noisy.
 */
export interface CountClaim<V extends string, M extends string, C extends string = string> {
  kind: 'count';
  id: C;
  statement: string;
  metric: MetricName | M;
  variant: V;
  equals?: number;
  atMost?: number;
  atLeast?: number;
}

/**
 * "What was measured lies within a band around what the model predicts": per round,
 * measured / predicted, with the prediction made from that round's own calibration.
 */
export interface ModelClaim<V extends string, M extends string, C extends string = string> {
  kind: 'model';
  id: C;
  statement: string;
  metric: MetricName | M;
  variant: V;
  /** measured / predicted must lie within [low, high], e.g. [0.7, 1.3]. */
  within: [number, number];
}

/** "variant's metric is at least / at most a fixed value". */
export interface ThresholdClaim<V extends string, M extends string, C extends string = string> {
  kind: 'threshold';
  id: C;
  statement: string;
  metric: MetricName | M;
  variant: V;
  atLeast?: number;
  atMost?: number;
}

export interface ScenarioResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** From sending the request to the end of the body. */
  elapsedMs: number;
}

/**
 * What a scenario's steps share: fresh for every scenario run, so a lab keeps no state of
 * its own between runs.
 */
export interface ScenarioContext {
  /** Values a step keeps for later steps, e.g. the token from a login answer. */
  vars: Record<string, unknown>;
  params: Record<string, number>;
  /** Service URLs (REDIS_URL, DATABASE_URL, `<NAME>_URL`) and whatever `setup` returned. */
  env: Record<string, string>;
  /** Everything the variant's process has written to stdout and stderr so far. */
  serverOutput(): string;
  /** The variant's port (requests a step sends itself, e.g. a WebSocket). */
  port: number;
  /** The variant's companions, and faults on cue (kill a worker, restart the server). */
  processes: VariantProcesses;
}

/** A value, or a function of the scenario so far (a header with the token a login returned). */
export type Dynamic<T> = T | ((context: ScenarioContext) => T);

export interface ScenarioStep {
  /** What this step shows, e.g. "the 6th login attempt is refused". */
  name: string;
  /**
   * Runs before the request: change the world (demote a user in the database, wait for a
   * token to expire). A returned string fails the step with that reason; so does a throw.
   * A step with an action and no `path` sends no request.
   */
  action?: (context: ScenarioContext) => Promise<string | null | void> | string | null | void;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  path?: Dynamic<string>;
  headers?: Dynamic<Record<string, string>>;
  body?: Dynamic<string>;
  /**
   * The client's address, for a second (third…) client: a loopback address other than
   * 127.0.0.1, e.g. `127.0.0.2` (on Linux all of 127.0.0.0/8 is this machine), so the server
   * sees another `remoteAddress`. Default 127.0.0.1. Each address keeps its own connection.
   */
  from?: string;
  /** Send the same request this many times in sequence (default 1). */
  repeat?: number;
  /** Send this many copies at once, each on its own connection (default 1); counted like `repeat`. */
  parallel?: number;
  /** Every response must have this status… */
  expectStatus?: number;
  /** …or, with `repeat` or `parallel`, exactly these counts per status, e.g. `{ 200: 5, 429: 45 }`. */
  expectStatusCounts?: Record<number, number>;
  /** What every response of the step must be besides its status (its body, its JSON, ...). */
  expect?: Omit<ExpectedAnswer, 'status'>;
  /**
   * Further checks on the (last) response; `all` holds every response of the step. Return
   * why it fails, or null when it passes; a throw fails the step with its message.
   */
  check?: (response: ScenarioResponse, context: ScenarioContext, all: ScenarioResponse[]) => string | null | Promise<string | null>;
}

/** Requests against a fresh process of `variant`, each with its expected answer. */
export interface ScenarioClaim<V extends string, C extends string = string> {
  kind: 'scenario';
  id: C;
  statement: string;
  variant: V;
  /**
   * Lab parameters this scenario's fresh process runs at, whatever the run's are: a lesson's
   * own setting (a 15-minute token lifetime) beside a run that shortens it to wait for it.
   */
  params?: Record<string, number>;
  steps: ScenarioStep[];
}

/** A claim about the lab's variants `V` and metrics `M`; `C` is its id (the ids a lab's controls and exercise may name). */
export type Claim<V extends string, M extends string = never, C extends string = string> =
  | RatioClaim<V, M, C>
  | ThresholdClaim<V, M, C>
  | CountClaim<V, M, C>
  | ModelClaim<V, M, C>
  | ScenarioClaim<V, C>;

/** The variants a claim judges. */
export function claimVariants(claim: Claim<string, string>): string[] {
  switch (claim.kind) {
    case 'ratio':
      return [claim.numerator, claim.denominator, ...(claim.relativeTo ? [claim.relativeTo.numerator, claim.relativeTo.denominator] : [])];
    default:
      return [claim.variant];
  }
}

/** A ratio reported with its interval but no verdict: "how much", not "whether". */
export interface Measure<V extends string, M extends string = never> {
  id: string;
  statement: string;
  metric: MetricName | M;
  numerator: V;
  denominator: V;
}

export interface ModelContext {
  cpuCount: number;
  /** The connection count the claims (and so the predictions) are evaluated at. */
  connections: number;
  threadpoolSize: number;
  params: Record<string, number>;
  /** What the lab's `calibrate` measured right before this run's load, e.g. `{ workMs: 24.1 }`. */
  calibration: Record<string, number>;
}

export interface Prediction<V extends string, M extends string = never> {
  variant: V;
  metric: MetricName | M;
  value: number;
  /** How the value was derived, in words, e.g. `1000 / 24.1 ms`. */
  reasoning: string;
}

export interface Model<V extends string, M extends string = never> {
  statement: string;
  predict(context: ModelContext): Prediction<V, M>[];
}

export interface SetupContext {
  /** A fresh directory, removed after the run (also on Ctrl-C and errors). */
  tempDir: string;
  params: Record<string, number>;
  /** The real services' URLs (POSTGRES_PRIMARY_URL, REDIS_URL, DATABASE_URL): to create a schema or seed a table before anything reads it. */
  env: Record<string, string>;
}

export interface DriveContext {
  variant: string;
  /** The program that ran for this variant: the lab's own, or the one `--variant` substituted. */
  file: string;
  /** Which round this is (from 0), and the run's place in it: together they name the run. */
  round: number;
  order: number;
  port: number;
  connections: number;
  durationSec: number;
  params: Record<string, number>;
  /** Service URLs by name, and whatever `setup` returned. */
  env: Record<string, string>;
  /**
   * Starts another fresh process of the program that ran (same file, same environment, the
   * probe preloaded), owned by the run like every process: for a measurement that needs a
   * process the load has not touched (memory a load freed stays with the allocator).
   */
  startFresh(): Promise<LabProcess>;
  /** Hands a child process the lab started itself (a script it measures) to the run, which stops it on every exit path. */
  own(child: import('node:child_process').ChildProcess, name: string): () => Promise<void>;
  /** The companions of the loaded process, and faults on cue (kill a worker, restart the server). */
  processes: VariantProcesses;
  /** The workload's requests with their correct answers, as the load sent them. */
  requests: LoadRequest[];
  /**
   * Checks an answer the lab's own measurement got against what is correct, and counts it
   * with the run's answers: one wrong answer makes the run invalid, as on the load. Returns
   * why it is wrong, or null.
   */
  checkAnswer(expect: ExpectedAnswer, answer: Answer, request: string): string | null;
}

/** A process of a variant started for a lab's own measurement. */
export interface LabProcess {
  port: number;
  /** Restarts the probe's window (event-loop delay, CPU, peak memory), or reads it. */
  probe(cmd: 'reset'): Promise<void>;
  probe(cmd: 'read'): Promise<{ rssPeakBytes: number; heapUsedPeakBytes: number; serverCpuCores: number; eventLoopDelayP99Ms: number }>;
  stop(): Promise<void>;
}

/**
 * A negative control: a variant that breaks the lesson on purpose (the blocking call made
 * non-blocking, sequential code in place of Promise.all, a server that answers 500). The
 * suite runs the lab with it in place of `replaces` (as `--variant replaces=file` does)
 * and requires every claim in `rejects` to come out `contradicted`, or `invalid` when
 * `expect` says so. A claim that no control rejects is not a test.
 */
export interface ControlDefinition<V extends string, C extends string = string> {
  /** Compiled entry, relative to the lab folder, e.g. `controls/read-file-async-as-sync.js`. */
  file: string;
  replaces: V;
  /** What it changes, in one line. */
  summary: string;
  /** Claim ids that must reject this control. */
  rejects: C[];
  /** `contradicted` (default): the claim is false here; `invalid`: the run must refuse to judge. */
  expect?: 'contradicted' | 'invalid';
}

/**
 * A lab's lesson turned into a task (`devcap exercise`, `devcap check`): the learner gets the
 * source of `start` (the variant with the problem), fixes it, and the fix runs in place of
 * `replaces`, judged by `claims`. The task itself, in the lesson's words, is the README's
 * `## Exercise` section; wrong solutions a class hands in sit in `exercise/wrong/` (tested).
 */
export interface ExerciseDefinition<V extends string, C extends string = string> {
  /** The variant whose source is the starting file: the code with the problem. */
  start: V;
  /** The variants the learner's file runs in place of (one program, maybe with different env). */
  replaces: [V, ...V[]];
  /** The lab's claims the exercise is judged by: passed when every one is confirmed. */
  claims: [C, ...C[]];
  /** One line for a check that has not passed yet. */
  hint: string;
  /** Rounds per variant when the lab's quick sizing is too few for a steady verdict on a busy machine. */
  rounds?: number;
}

/** A value of a seeded row, or a parameter of a named statement. */
export type SqlValue = string | number | null;

/**
 * Tables of the embedded database: their schema, the rows seeded into them before anything
 * starts, and the statements over them, by name. Data several labs share (the shop, its
 * accounts) is in fixtures/; a lab's own tables sit in its folder.
 */
export interface DatabaseTables {
  /** CREATE TABLE and CREATE INDEX statements. */
  schema: string;
  /** Rows per table, inserted in this order: the INSERT statement, and the rows for its `?`s. */
  seed: Array<{ insert: string; rows: () => Iterable<SqlValue[]> }>;
  /** Named statements, the way an API calls a database server's prepared statements. */
  queries?: Record<string, string>;
}

/** What the embedded database (`requires: ['database']`) holds while the lab runs. */
export interface LabDatabase {
  /** Created and seeded in this order (in one transaction). */
  tables: DatabaseTables[];
  /** The lab's own statements over them, beside the tables' own. */
  queries?: Record<string, string>;
}

export interface LabDefinition<V extends string, M extends string = never, C extends string = string> {
  day: number;
  slug: string;
  title: string;
  /** The lesson's claim, in one sentence. */
  claim: string;
  /** What the lab measures, one paragraph: the README's lab table (`npm run readme`) is written from it. */
  summary: string;
  variants: Record<V, VariantDefinition>;
  services?: Record<string, ServiceDefinition>;
  /** Negative controls, by name (see ControlDefinition); every claim needs one. */
  controls?: Record<string, ControlDefinition<NoInfer<V>, NoInfer<C>>>;
  workload: Workload<NoInfer<V>>;
  claims: Claim<NoInfer<V>, NoInfer<M>, C>[];
  /** The lab's exercise, if it has one (see ExerciseDefinition). */
  exercise?: ExerciseDefinition<NoInfer<V>, NoInfer<C>>;
  measures?: Measure<NoInfer<V>, NoInfer<M>>[];
  /** Metrics of the lab's own, recorded by `drive`. */
  metrics?: Record<M, MetricInfo>;
  params?: Record<string, LabParameter>;
  /**
   * Runs once before any process starts, e.g. to write the data files the variants read.
   * Returns environment variables for every variant and service.
   */
  setup?: (context: SetupContext) => Promise<Record<string, string>> | Record<string, string>;
  /**
   * Measures the unit of work (a hash's CPU time, a Redis round trip) right before each
   * run's load, in a worker thread of devcap's (so devcap itself never blocks), while the
   * variant waits: a model compared with a load minutes later on a shared machine would
   * compare two different machines. `env` holds the URLs of the services provided for the
   * run (REDIS_URL, DATABASE_URL, `<NAME>_URL`).
   */
  calibrate?: (params: Record<string, number>, env: Record<string, string>) => Promise<Record<string, number>> | Record<string, number>;
  /**
   * Calibrate right after each load as well, and use the geometric mean of the two: the
   * calibration then brackets the load in time, so a shared machine that slows down or
   * speeds up during the run moves both sides. For CPU-time units (lab 2's hash); not for a
   * service a load leaves busy for a while (a database still draining queued queries).
   */
  calibrateAround?: boolean;
  /**
   * Extra measurement after each run's load, against the same process (e.g. a slow
   * client, time to first byte). Returns values for the lab's own metrics.
   */
  drive?: (context: DriveContext) => Promise<Partial<Record<NoInfer<M>, number>>>;
  model?: Model<NoInfer<V>, NoInfer<M>>;
  /**
   * Peak memory of a run at these parameters and this many connections, beyond what every
   * run needs (devcap, the load generator, a small server): checked before anything
   * starts, so a run that would not fit is refused with the flags to lower.
   */
  estimateMemory?: (params: Record<string, number>, connections: number) => MemoryEstimate;
  /** Real services the lab needs (also those of its variants): shown by `devcap list`, started by the run. */
  requires?: Requirement[];
  /**
   * What the embedded database holds, when the lab (or a variant) requires `database`: the
   * database process imports the compiled lab and seeds these tables, and answers only these
   * statements (POST /query { name, params }).
   */
  database?: LabDatabase;
  /** What the terminal report leads with: the bar chart's metric and the table's columns. */
  report?: { headline?: MetricName | NoInfer<M>; columns?: Array<MetricName | NoInfer<M>> };
  takeaway: string;
}

export interface MemoryEstimate {
  bytes: number;
  /** Where it goes, in words, e.g. `a 256 MiB file buffered per request at 1000 connections`. */
  why: string;
  /** The flags that shrink it, e.g. `['--connections', '--set fileMb']`. */
  lower: string[];
}

export type AnyLab = LabDefinition<string, string>;
