import { formatMetric, formatRatio, lookup, metricFloor, metricLabel, type MetricTable } from '../lab/metrics.js';
import type { Measure, RatioClaim, ThresholdClaim } from '../lab/types.js';
import type { ClaimResult, MeasureResult, RoundRun, VariantSummary } from '../report/result.js';
import { levelInterval, ratioInterval, spread, verdictAtLeast, verdictAtMost, type Verdict } from './stats.js';

/** Per-round values of one metric for one variant at one connection count. */
export function samplesOf(runs: RoundRun[], variant: string, metric: string, connections: number): number[] {
  return runs
    .filter((run) => run.variant === variant && run.connections === connections)
    .map((run) => run.metrics[metric])
    .filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
}

export function summarise(runs: RoundRun[]): VariantSummary[] {
  const keys = new Map<string, { variant: string; connections: number }>();
  for (const run of runs) keys.set(`${run.variant}@${run.connections}`, { variant: run.variant, connections: run.connections });
  return [...keys.values()].map(({ variant, connections }) => {
    const mine = runs.filter((run) => run.variant === variant && run.connections === connections);
    const summary: VariantSummary = { variant, connections, metrics: {}, generatorBound: mine.some((run) => run.generatorBound) };
    const names = new Set(mine.flatMap((run) => Object.keys(run.metrics)));
    for (const name of names) {
      const values = samplesOf(runs, variant, name, connections);
      if (values.length) summary.metrics[name] = spread(values);
    }
    return summary;
  });
}

const VERDICT_RANK: Record<Verdict, number> = { confirmed: 0, inconclusive: 1, contradicted: 2 };

export function worstVerdict(verdicts: Verdict[]): Verdict {
  return verdicts.reduce<Verdict>((worst, verdict) => (VERDICT_RANK[verdict] > VERDICT_RANK[worst] ? verdict : worst), 'confirmed');
}

const range = (low: number, high: number, format: (value: number) => string) => `${format(low)}–${format(high)}`;

export interface EvaluationContext {
  runs: RoundRun[];
  connections: number;
  table: MetricTable;
  sidePath?: string | null;
}

export function evaluateClaim(claim: RatioClaim<string, string> | ThresholdClaim<string, string>, context: EvaluationContext): ClaimResult {
  const { runs, connections } = context;
  const info = lookup(context.table, claim.metric);
  const floor = metricFloor(info);
  const label = metricLabel(info, context.sidePath);
  if (claim.kind === 'ratio') {
    const a = samplesOf(runs, claim.numerator, claim.metric, connections);
    const b = samplesOf(runs, claim.denominator, claim.metric, connections);
    const interval = ratioInterval(a, b, floor);
    const verdict = verdictAtLeast(interval, claim.atLeast);
    const sentence =
      `${label} of ${claim.numerator} was ${formatRatio(interval.estimate)} that of ${claim.denominator} ` +
      `(95% CI ${range(interval.low, interval.high, formatRatio)}; the claim needs at least ${formatRatio(claim.atLeast)}): ${verdict}`;
    return {
      id: claim.id,
      kind: 'ratio',
      statement: claim.statement,
      metric: claim.metric,
      verdict,
      estimate: interval.estimate,
      ci95: [interval.low, interval.high],
      threshold: claim.atLeast,
      direction: 'atLeast',
      variants: [claim.numerator, claim.denominator],
      connections,
      samples: { [claim.numerator]: a, [claim.denominator]: b },
      sentence,
    };
  }
  const values = samplesOf(runs, claim.variant, claim.metric, connections);
  const interval = levelInterval(values, floor);
  const atLeast = claim.atLeast !== undefined;
  const threshold = (atLeast ? claim.atLeast : claim.atMost) ?? Number.NaN;
  const verdict = atLeast ? verdictAtLeast(interval, threshold) : verdictAtMost(interval, threshold);
  const format = (value: number) => formatMetric(info, value);
  const sentence =
    `${label} of ${claim.variant} was ${format(interval.estimate)} (95% CI ${range(interval.low, interval.high, format)}; ` +
    `the claim needs ${atLeast ? 'at least' : 'at most'} ${format(threshold)}): ${verdict}`;
  return {
    id: claim.id,
    kind: 'threshold',
    statement: claim.statement,
    metric: claim.metric,
    verdict,
    estimate: interval.estimate,
    ci95: [interval.low, interval.high],
    threshold,
    direction: atLeast ? 'atLeast' : 'atMost',
    variants: [claim.variant],
    connections,
    samples: { [claim.variant]: values },
    sentence,
  };
}

export function evaluateMeasure(measure: Measure<string, string>, context: EvaluationContext): MeasureResult {
  const { runs, connections } = context;
  const info = lookup(context.table, measure.metric);
  const a = samplesOf(runs, measure.numerator, measure.metric, connections);
  const b = samplesOf(runs, measure.denominator, measure.metric, connections);
  const interval = ratioInterval(a, b, metricFloor(info));
  return {
    id: measure.id,
    statement: measure.statement,
    metric: measure.metric,
    estimate: interval.estimate,
    ci95: [interval.low, interval.high],
    variants: [measure.numerator, measure.denominator],
    connections,
    sentence:
      `${metricLabel(info, context.sidePath)} of ${measure.numerator} was ${formatRatio(interval.estimate)} that of ` +
      `${measure.denominator} (95% CI ${range(interval.low, interval.high, formatRatio)})`,
  };
}
