import type { MetricInfo } from '../lab/metrics.js';

/**
 * `invalid`: a run the claim uses got answers it should not have (wrong status, errors,
 * timeouts), so the numbers do not describe the code under test and nothing is judged.
 */
export type Verdict = 'confirmed' | 'contradicted' | 'inconclusive' | 'invalid';

/** Median, min and max of a metric over n rounds. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** Bumped whenever a field changes meaning or disappears; additions keep the version. */
export const SCHEMA_VERSION = 1;

export interface Environment {
  node: string;
  platform: string;
  arch: string;
  osRelease: string;
  cpuCount: number;
  cpuModel: string;
  loadAverage: [number, number, number];
  totalMemoryBytes: number;
  uvThreadpoolSize: number;
  /** Which Redis the run used (a private redis-server, or the one --redis-url named); null when none. */
  redis: string | null;
}

export interface RunConfig {
  mode: 'quick' | 'default';
  durationSec: number;
  warmupRequests: number;
  rounds: number;
  connections: number[];
  claimsAtConnections: number;
  /** The measured stream's method (a lab whose load posts says POST). */
  method: 'GET' | 'POST';
  path: string;
  /**
   * How many different requests the load sent in turn (several values of a route's
   * parameter), each checked against its correct answer; 0 when nothing was loaded.
   */
  requests: number;
  /** One answer in this many was checked (1: every answer). */
  checkEvery: number;
  /**
   * The variants the rounds load, in order. A quick run and a `--claims` run load only the
   * ones a judged claim compares; the others (and the measures over them) need a full run.
   */
  variants: string[];
  /** The variants a full run of the lab loads that this one left out (see `variants`). */
  notLoaded: string[];
  side: { path: string; ratePerSec: number } | null;
  params: Record<string, number>;
  /** `--variant name=file`: variants replaced by another program, by name. */
  substitutes: Record<string, string>;
}

export type RunMetrics = Record<string, number>;

/** Answers of one stream checked against the correct ones. */
export interface AnswerCount {
  checked: number;
  wrong: number;
  /** The first wrong one: the request, what came back and what was expected; null when none was wrong. */
  firstWrong: string | null;
}

export interface RoundRun {
  variant: string;
  connections: number;
  round: number;
  /** Position in the alternating order of that round (0 = first). */
  order: number;
  pid: number | null;
  metrics: RunMetrics;
  statusCounts: Record<string, number>;
  sideStatusCounts: Record<string, number> | null;
  errors: number;
  timeouts: number;
  generatorBound: boolean;
  /** The run's answers checked against the correct ones, per stream (side: null without one); absent in results saved before answers were checked. */
  answers?: { warmUp: AnswerCount; load: AnswerCount; side: AnswerCount | null; drive: AnswerCount };
  /**
   * Why this run's numbers do not describe the code under test (answers outside the
   * expected statuses, wrong answers, errors or timeouts above 1%), or null. Claims that use an invalid
   * run get the verdict `invalid`.
   */
  invalid: string | null;
  /** What the model predicted for this run, from the calibration taken right before its load, by metric. */
  predicted?: Record<string, number>;
  /** What the lab's `calibrate` measured right before this run's load. */
  calibration?: Record<string, number>;
  /**
   * The measured load second by second: the load's answers per second (from the generator)
   * and, from the probe in the server, the most its event loop fired late, how busy the loop
   * was and its peak RSS in each second. Absent in results saved before it was recorded.
   */
  timeline?: RunTimeline;
}

export interface RunTimeline {
  requestsPerSec: number[];
  eventLoopDelayMaxMs: number[];
  eventLoopUtilization: number[];
  rssPeakBytes: number[];
}

export interface VariantSummary {
  variant: string;
  connections: number;
  metrics: Record<string, Spread>;
  generatorBound: boolean;
  /** Rounds of this variant that were invalid (see RoundRun.invalid). */
  invalidRounds: number;
}

export interface ScenarioStepResult {
  name: string;
  request: string;
  passed: boolean;
  /** Status counts seen, e.g. `{ "200": 5, "429": 45 }`. */
  statusCounts: Record<string, number>;
  /** Why it failed, in words; null when it passed. */
  failure: string | null;
}

export interface ClaimResult {
  id: string;
  kind: 'ratio' | 'threshold' | 'count' | 'model' | 'scenario';
  statement: string;
  /** `skipped`: a variant the claim needs could not run here (see LabResult.skipped). */
  verdict: Verdict | 'skipped';
  /** Ratio and threshold claims; null for scenarios. */
  metric: string | null;
  /** For ratios: numerator / denominator; for thresholds: the variant's level. */
  estimate: number | null;
  /** The interval behind the verdict, of coverage `level` (95% unless the run looked several times). */
  ci95: [number, number] | null;
  /** The interval's two-sided coverage (absent for counts and scenarios, and in older results: 0.95). */
  level?: number;
  threshold: number | null;
  /** Model claims: the band measured/predicted must lie in. */
  band?: [number, number];
  direction: 'atLeast' | 'atMost' | 'equals' | 'within' | null;
  variants: string[];
  connections: number | null;
  /** Per-round values the interval was computed from, by variant (model claims: measured/predicted per round). */
  samples: Record<string, number[]>;
  /** Rounds behind the verdict (per variant; 0 for scenarios, which run once). */
  rounds: number;
  /** The verdict as a sentence with its numbers. */
  sentence: string;
  /** Scenario claims only: each step with what came back. */
  steps?: ScenarioStepResult[];
}

/** A variant that did not run because a real service it needs (Redis) is missing here. */
export interface SkippedVariant {
  variant: string;
  requires: string[];
  /** What is missing and how to get it. */
  reason: string;
}

export interface MeasureResult {
  id: string;
  statement: string;
  metric: string;
  estimate: number;
  ci95: [number, number];
  variants: [string, string];
  connections: number;
  sentence: string;
}

export interface ModelResult {
  statement: string;
  /** Median of the per-run calibrations (each taken right before its run's load). */
  calibration: Record<string, number>;
  predictions: Array<{
    variant: string;
    metric: string;
    /** Median over rounds of the prediction made from each run's own calibration. */
    predicted: number;
    measured: number;
    /** Median over rounds of measured / predicted, each round against its own prediction. */
    measuredOverPredicted: number;
    reasoning: string;
  }>;
}

/** A lab that ran, not one that failed to. */
export function isResult(entry: LabResult | LabFailure): entry is LabResult {
  return !('error' in entry);
}

/**
 * A lab of `lab all` (or of `--out`) that could not produce a result: its error, so the
 * labs before and after it keep theirs.
 */
export interface LabFailure {
  schemaVersion: number;
  lab: { day: number; slug: string; title: string };
  error: { code: string; message: string; exitCode: number };
}

export interface RoundsPlan {
  ran: number;
  cap: number;
  looks: number[];
  level: number;
  stopped: 'decided' | 'cap' | 'fixed' | 'none' | 'wrong-answers' | 'cannot-pass';
}

/** The jobs of a lab run the clock tells apart (src/harness/phases.ts). */
export type RunPhase = 'provide' | 'start' | 'warmUp' | 'calibrate' | 'load' | 'probe' | 'drive' | 'stop' | 'scenarios' | 'judge';

/**
 * Where the run's wall time went, in ms: `provide` services, data and requests; per run,
 * `start` the processes until ready, `warmUp`, `calibrate`, `load` (the measured seconds),
 * `probe` (reset and read), `drive`, `stop`; `scenarios`; `judge` the looks and the final
 * evaluation. `otherMs`: what none of them took; `aroundLoadMs`: the wall time less the loads.
 */
export interface RunTiming {
  phasesMs: Record<RunPhase, number>;
  otherMs: number;
  aroundLoadMs: number;
}

export interface LabResult {
  schemaVersion: number;
  tool: { name: 'devcap'; version: string };
  lab: {
    day: number;
    slug: string;
    title: string;
    claim: string;
    takeaway: string;
    /** The metric the report leads with, and the table's columns. */
    headline: string;
    columns: string[];
  };
  startedAt: string;
  wallTimeMs: number;
  environment: Environment;
  config: RunConfig;
  /** How to read every metric in `runs` and `summary` (the standard ones and the lab's own). */
  metrics: Record<string, MetricInfo>;
  services: Array<{ name: string; summary: string }>;
  /** `file` is the program that ran: the lab's own, or the one `--variant` substituted (`substituted: true`). */
  variants: Array<{ name: string; summary: string; file: string; substituted: boolean }>;
  runs: RoundRun[];
  /**
   * How many rounds ran and why they stopped (absent in results saved before runs were
   * sequential): `decided` every judged claim was decided at a look before the cap, `cap` the
   * cap was reached, `fixed` --rounds fixed the count (one look, at 95%), `none` nothing was
   * loaded. `looks`: the rounds after which the claims were judged; `level`: each look's
   * two-sided coverage (1 − 0.05 / looks, the budget split evenly), the claims' intervals'.
   * `decided` after a round that is not a look: every judged claim was invalid (for good).
   * `check` only: `wrong-answers` the file checked answered wrongly, so the rounds ended at that
   * run; `cannot-pass` a claim came out invalid, or contradicted at a look, so the file cannot pass.
   */
  rounds?: RoundsPlan;
  /** Where the wall time went (absent in results saved before it was measured). */
  timing?: RunTiming;
  summary: VariantSummary[];
  claims: ClaimResult[];
  measures: MeasureResult[];
  model: ModelResult | null;
  /** Variants skipped for a missing prerequisite; their claims have verdict `skipped`, their measures are left out. */
  skipped: SkippedVariant[];
  warnings: string[];
  /** Worst verdict across the claims that ran: invalid > contradicted > inconclusive > confirmed. */
  outcome: Verdict;
}

/**
 * What a run reports as it goes, for `--live`: the plan once its services are up, each run
 * the moment it ends, every judged claim re-evaluated on the rounds so far after each round
 * (the interval narrowing against its threshold), then the lab's result or its failure.
 * The same numbers the final result holds, only earlier.
 */
export type RunEvent =
  | {
      type: 'plan';
      lab: LabResult['lab'];
      config: RunConfig;
      /** The headline metric's label and unit, for the dots. */
      headline: MetricInfo;
      claims: Array<{ id: string; kind: ClaimResult['kind']; statement: string }>;
      skipped: SkippedVariant[];
      /** Runs the rounds will make: variants × rounds × connection counts. */
      totalRuns: number;
    }
  | { type: 'run'; day: number; run: RoundRun; done: number; totalRuns: number }
  | { type: 'claims'; day: number; afterRound: number; claims: ClaimResult[] }
  | { type: 'result'; result: LabResult }
  | { type: 'failure'; failure: LabFailure };
