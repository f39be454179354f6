import type { MetricName } from '../lab/metrics.js';
import type { Spread, Verdict } from '../harness/stats.js';

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
}

export interface RunConfig {
  mode: 'quick' | 'default';
  durationSec: number;
  warmupRequests: number;
  rounds: number;
  connections: number[];
  claimsAtConnections: number;
  path: string;
  side: { path: string; ratePerSec: number } | null;
  params: Record<string, number>;
}

export type RunMetrics = Partial<Record<MetricName, number>>;

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
}

export interface VariantSummary {
  variant: string;
  connections: number;
  metrics: Partial<Record<MetricName, Spread>>;
  generatorBound: boolean;
}

export interface ClaimResult {
  id: string;
  kind: 'ratio' | 'threshold';
  statement: string;
  metric: MetricName;
  verdict: Verdict;
  /** For ratios: numerator / denominator; for thresholds: the variant's level. */
  estimate: number;
  ci95: [number, number];
  threshold: number;
  direction: 'atLeast' | 'atMost';
  variants: string[];
  connections: number;
  /** Per-round values the interval was computed from, by variant. */
  samples: Record<string, number[]>;
  /** The verdict as a sentence with its numbers. */
  sentence: string;
}

export interface MeasureResult {
  id: string;
  statement: string;
  metric: MetricName;
  estimate: number;
  ci95: [number, number];
  variants: [string, string];
  connections: number;
  sentence: string;
}

export interface ModelResult {
  statement: string;
  calibration: Record<string, number>;
  predictions: Array<{
    variant: string;
    metric: MetricName;
    predicted: number;
    measured: number;
    reasoning: string;
  }>;
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
    headline: MetricName;
    columns: MetricName[];
  };
  startedAt: string;
  wallTimeMs: number;
  environment: Environment;
  config: RunConfig;
  variants: Array<{ name: string; summary: string; file: string }>;
  runs: RoundRun[];
  summary: VariantSummary[];
  claims: ClaimResult[];
  measures: MeasureResult[];
  model: ModelResult | null;
  warnings: string[];
  /** Worst verdict across claims: contradicted > inconclusive > confirmed. */
  outcome: Verdict;
}
