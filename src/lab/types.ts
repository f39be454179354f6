import type { MetricName } from './metrics.js';

/** One program the learner reads; it runs in its own fresh `node` process per round. */
export interface VariantDefinition {
  /** Compiled entry, relative to the lab folder, e.g. `variants/pbkdf2-sync.js`. */
  file: string;
  /** One line on the technique, shown in tables and `devcap list`. */
  summary: string;
  /** Extra environment for this variant's process (lab parameters are added to it). */
  env?: Record<string, string>;
}

/** A knob the learner can turn with `--set name=value`; reaches variants as an env var. */
export interface LabParameter {
  env: string;
  default: number;
  summary: string;
  min?: number;
  max?: number;
}

export interface RunSizing {
  /** Measured load per run, whole seconds (autocannon stops on second boundaries). */
  durationSec: number;
  /** Requests sent and thrown away before each measured load. */
  warmupRequests: number;
  rounds: number;
  /** Connection counts to load at; claims are evaluated at `connections[claimsAt]`. */
  connections: number[];
}

export interface Workload {
  method?: 'GET' | 'POST';
  /** The measured stream. */
  path: string;
  /** Answered once before a variant counts as ready. */
  readyPath: string;
  /** Status codes that count as served (default: 2xx). */
  expectStatus?: number[];
  /** A light second stream beside the load, reported separately (e.g. `/ping`). */
  side?: { path: string; ratePerSec: number };
  sizing: RunSizing;
  quick: RunSizing;
  /** The connection count whose runs the claims use (default: the largest). */
  claimsAtConnections?: number;
}

/** "numerator's metric is at least `atLeast` times the denominator's". */
export interface RatioClaim<V extends string> {
  kind: 'ratio';
  id: string;
  statement: string;
  metric: MetricName;
  numerator: V;
  denominator: V;
  atLeast: number;
}

/** "variant's metric is at least / at most a fixed value". */
export interface ThresholdClaim<V extends string> {
  kind: 'threshold';
  id: string;
  statement: string;
  metric: MetricName;
  variant: V;
  atLeast?: number;
  atMost?: number;
}

export type Claim<V extends string> = RatioClaim<V> | ThresholdClaim<V>;

/** A ratio reported with its interval but no verdict: "how much", not "whether". */
export interface Measure<V extends string> {
  id: string;
  statement: string;
  metric: MetricName;
  numerator: V;
  denominator: V;
}

export interface ModelContext {
  cpuCount: number;
  threadpoolSize: number;
  params: Record<string, number>;
  /** What the lab's `calibrate` measured before the load, e.g. `{ workMs: 24.1 }`. */
  calibration: Record<string, number>;
}

export interface Prediction<V extends string> {
  variant: V;
  metric: MetricName;
  value: number;
  /** How the value was derived, in words, e.g. `1000 / 24.1 ms`. */
  reasoning: string;
}

export interface Model<V extends string> {
  statement: string;
  predict(context: ModelContext): Prediction<V>[];
}

export interface LabDefinition<V extends string> {
  day: number;
  slug: string;
  title: string;
  /** The lesson's claim, in one sentence. */
  claim: string;
  variants: Record<V, VariantDefinition>;
  workload: Workload;
  claims: Claim<NoInfer<V>>[];
  measures?: Measure<NoInfer<V>>[];
  params?: Record<string, LabParameter>;
  /** Measures the unit of work once, in the devcap process, before any load. */
  calibrate?: (params: Record<string, number>) => Promise<Record<string, number>> | Record<string, number>;
  model?: Model<NoInfer<V>>;
  requires?: Array<'redis' | 'database'>;
  /** What the terminal report leads with: the bar chart's metric and the table's columns. */
  report?: { headline?: MetricName; columns?: MetricName[] };
  takeaway: string;
}

export type AnyLab = LabDefinition<string>;
