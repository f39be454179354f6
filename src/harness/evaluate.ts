import { formatMetric, formatRatio, lookup, metricFloor, metricLabel, type MetricTable } from '../lab/metrics.js';
import { claimVariants, type CountClaim, type Measure, type ModelClaim, type RatioClaim, type ThresholdClaim } from '../lab/types.js';
import { formatLevel } from '../report/describe.js';
import type { ClaimResult, MeasureResult, RoundRun, VariantSummary } from '../report/result.js';
import {
  allIdentical,
  levelInterval,
  ratioInterval,
  ratioOfRatiosInterval,
  roundsToSettle,
  spread,
  verdictAtLeast,
  verdictAtMost,
  verdictWithin,
  type Interval,
  type Verdict,
} from './stats.js';

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
    const summary: VariantSummary = {
      variant,
      connections,
      metrics: {},
      generatorBound: mine.some((run) => run.generatorBound),
      invalidRounds: mine.filter((run) => run.invalid).length,
    };
    const names = new Set(mine.flatMap((run) => Object.keys(run.metrics)));
    for (const name of names) {
      const values = samplesOf(runs, variant, name, connections);
      if (values.length) summary.metrics[name] = spread(values);
    }
    return summary;
  });
}

const VERDICT_RANK: Record<Verdict, number> = { confirmed: 0, inconclusive: 1, contradicted: 2, invalid: 3 };

/** The worst of the verdicts: invalid, then contradicted, then inconclusive, then confirmed. */
export function worstVerdict(verdicts: Verdict[]): Verdict {
  return verdicts.reduce<Verdict>((worst, verdict) => (VERDICT_RANK[verdict] > VERDICT_RANK[worst] ? verdict : worst), 'confirmed');
}

const range = (low: number, high: number, format: (value: number) => string) => `${format(low)}–${format(high)}`;

export interface EvaluationContext {
  runs: RoundRun[];
  connections: number;
  table: MetricTable;
  sidePath?: string | null;
  /** The intervals' two-sided coverage: 0.95, or a sequential run's per-look level. */
  level?: number;
}

export type JudgedClaim = RatioClaim<string, string> | ThresholdClaim<string, string> | CountClaim<string, string> | ModelClaim<string, string>;

/** Below this many pings in a round, a side-stream "p99" is really its slowest few: say so. */
export const FEW_PINGS = 100;

function label(claim: { metric: string }, context: EvaluationContext, variants: string[]): string {
  const info = lookup(context.table, claim.metric);
  const name = metricLabel(info, context.sidePath);
  if (claim.metric !== 'sideLatencyP99Ms') return name;
  const pings = context.runs
    .filter((run) => variants.includes(run.variant) && run.connections === context.connections)
    .map((run) => run.metrics.sidePings ?? 0);
  const fewest = Math.min(...pings);
  return fewest < FEW_PINGS ? `${name} (a p99 of as few as ${fewest} pings: nearly the max)` : name;
}

/** Runs a claim uses that got answers they should not have: the claim is `invalid`. */
function invalidRunsOf(variants: string[], context: EvaluationContext): RoundRun[] {
  return context.runs.filter((run) => variants.includes(run.variant) && run.connections === context.connections && run.invalid);
}

/**
 * Whether a claim is `invalid` on these runs whatever rounds follow: one invalid run of a
 * variant it judges, at its connection count, is enough (evaluateClaim's first rule).
 */
export function invalidOn(claim: JudgedClaim, runs: RoundRun[], connections: number): boolean {
  return invalidRunsOf(claimVariants(claim), { runs, connections } as EvaluationContext).length > 0;
}

function base(claim: JudgedClaim, variants: string[], connections: number) {
  return { id: claim.id, kind: claim.kind, statement: claim.statement, metric: claim.metric, variants, connections } as const;
}

function invalidResult(claim: JudgedClaim, variants: string[], bad: RoundRun[], connections: number): ClaimResult {
  // One reason per variant, its first invalid run's, and how many more runs there were: the
  // same wrong answer three times over tells the reader nothing more.
  const reasons = [...new Set(bad.map((run) => run.variant))].map((variant) => {
    const mine = bad.filter((run) => run.variant === variant);
    return `${variant}${mine.length > 1 ? ` (${mine.length} runs; the first)` : ''}: ${mine[0]!.invalid}`;
  });
  return {
    ...base(claim, variants, connections),
    verdict: 'invalid',
    estimate: null,
    ci95: null,
    threshold: null,
    direction: null,
    samples: {},
    rounds: 0,
    sentence: `invalid: ${bad.length} run(s) got answers they should not have, so nothing is judged (${reasons.join('; ')})`,
  };
}

/** What would settle an inconclusive claim, in words. */
function settleHint(interval: Interval, bound: number): string {
  const rounds = roundsToSettle(interval, bound);
  return rounds === undefined ? '' : `; about --rounds ${Math.min(rounds, 50)} would settle it${rounds > 50 ? ' if the effect is real at all' : ''}`;
}

function intervalText(interval: Interval, format: (value: number) => string, identical: boolean, level: number): string {
  return identical ? `identical in all ${interval.n} rounds` : `${formatLevel(level)} CI ${range(interval.low, interval.high, format)}, n = ${interval.n}`;
}

export function evaluateClaim(claim: JudgedClaim, context: EvaluationContext): ClaimResult {
  const { runs, connections } = context;
  const variants = claimVariants(claim);
  const bad = invalidRunsOf(variants, context);
  if (bad.length) return invalidResult(claim, variants, bad, connections);
  const info = lookup(context.table, claim.metric);
  const floor = metricFloor(info);
  const name = label(claim, context, variants);
  const format = (value: number) => formatMetric(info, value);
  const level = context.level ?? 0.95;

  if (claim.kind === 'ratio') {
    const a = samplesOf(runs, claim.numerator, claim.metric, connections);
    const b = samplesOf(runs, claim.denominator, claim.metric, connections);
    const samples: Record<string, number[]> = { [claim.numerator]: a, [claim.denominator]: b };
    let interval: Interval;
    let what: string;
    if (claim.relativeTo) {
      const c = samplesOf(runs, claim.relativeTo.numerator, claim.metric, connections);
      const d = samplesOf(runs, claim.relativeTo.denominator, claim.metric, connections);
      samples[claim.relativeTo.numerator] = c;
      samples[claim.relativeTo.denominator] = d;
      interval = ratioOfRatiosInterval(a, b, c, d, floor, level);
      what =
        `${name}, ${claim.numerator} over ${claim.denominator}, was ${formatRatio(interval.estimate)} the same ratio of ` +
        `${claim.relativeTo.numerator} over ${claim.relativeTo.denominator}`;
    } else {
      interval = ratioInterval(a, b, floor, level);
      what = `${name} of ${claim.numerator} was ${formatRatio(interval.estimate)} that of ${claim.denominator}`;
    }
    const verdict = verdictAtLeast(interval, claim.atLeast);
    const identical = allIdentical(...Object.values(samples));
    const hint = verdict === 'inconclusive' ? settleHint(interval, claim.atLeast) : '';
    return {
      ...base(claim, variants, connections),
      verdict,
      estimate: interval.estimate,
      ci95: [interval.low, interval.high],
      level,
      threshold: claim.atLeast,
      direction: 'atLeast',
      samples,
      rounds: interval.n,
      sentence: `${what} (${intervalText(interval, formatRatio, identical, level)}; the claim needs at least ${formatRatio(claim.atLeast)}): ${verdict}${hint}`,
    };
  }

  if (claim.kind === 'count') {
    const values = samplesOf(runs, claim.variant, claim.metric, connections);
    const holds = (value: number) =>
      (claim.equals === undefined || value === claim.equals) &&
      (claim.atMost === undefined || value <= claim.atMost) &&
      (claim.atLeast === undefined || value >= claim.atLeast);
    const broken = values.filter((value) => !holds(value));
    const verdict: Verdict = values.length && !broken.length ? 'confirmed' : 'contradicted';
    const wanted =
      claim.equals !== undefined ? `exactly ${format(claim.equals)}` : claim.atMost !== undefined ? `at most ${format(claim.atMost)}` : `at least ${format(claim.atLeast ?? 0)}`;
    const seen = allIdentical(values) && values.length ? `${format(values[0]!)} in all ${values.length} rounds` : `per round: ${values.map(format).join(', ')}`;
    return {
      ...base(claim, variants, connections),
      verdict,
      estimate: values.length ? Math.max(...values) : null,
      ci95: null,
      threshold: claim.equals ?? claim.atMost ?? claim.atLeast ?? null,
      direction: claim.equals !== undefined ? 'equals' : claim.atMost !== undefined ? 'atMost' : 'atLeast',
      samples: { [claim.variant]: values },
      rounds: values.length,
      sentence:
        `${name} of ${claim.variant}: ${seen} (the claim needs ${wanted} in every round` +
        `${broken.length ? `; ${broken.length} round(s) broke it` : ''}): ${verdict}`,
    };
  }

  if (claim.kind === 'model') {
    const mine = runs.filter((run) => run.variant === claim.variant && run.connections === connections);
    const ratios = mine
      .map((run) => {
        const measured = run.metrics[claim.metric];
        const predicted = run.predicted?.[claim.metric];
        return measured !== undefined && predicted !== undefined && predicted > 0 ? measured / predicted : Number.NaN;
      })
      .filter(Number.isFinite);
    if (ratios.length < 2) {
      return {
        ...base(claim, variants, connections),
        verdict: 'inconclusive',
        estimate: null,
        ci95: null,
        threshold: null,
        band: claim.within,
        direction: 'within',
        samples: { [claim.variant]: ratios },
        rounds: ratios.length,
        sentence: `the model made no usable prediction for ${claim.variant} in at least two rounds (a prediction of 0 cannot be compared): inconclusive`,
      };
    }
    const interval = levelInterval(ratios, 0, level);
    const [low, high] = claim.within;
    const verdict = verdictWithin(interval, low, high);
    const hint = verdict === 'inconclusive' ? settleHint(interval, interval.estimate < Math.sqrt(low * high) ? low : high) : '';
    return {
      ...base(claim, variants, connections),
      verdict,
      estimate: interval.estimate,
      ci95: [interval.low, interval.high],
      level,
      threshold: null,
      band: claim.within,
      direction: 'within',
      samples: { [claim.variant]: ratios },
      rounds: interval.n,
      sentence:
        `${name} of ${claim.variant} was ${formatRatio(interval.estimate)} what the model predicts, round by round ` +
        `(${intervalText(interval, formatRatio, allIdentical(ratios), level)}; the claim needs ${formatRatio(low)}–${formatRatio(high)}): ${verdict}${hint}`,
    };
  }

  const values = samplesOf(runs, claim.variant, claim.metric, connections);
  const interval = levelInterval(values, floor, level);
  const atLeast = claim.atLeast !== undefined;
  const threshold = (atLeast ? claim.atLeast : claim.atMost) ?? Number.NaN;
  const verdict = atLeast ? verdictAtLeast(interval, threshold) : verdictAtMost(interval, threshold);
  const hint = verdict === 'inconclusive' ? settleHint(interval, threshold) : '';
  return {
    ...base(claim, variants, connections),
    verdict,
    estimate: interval.estimate,
    ci95: [interval.low, interval.high],
    level,
    threshold,
    direction: atLeast ? 'atLeast' : 'atMost',
    samples: { [claim.variant]: values },
    rounds: interval.n,
    sentence:
      `${name} of ${claim.variant} was ${format(interval.estimate)} (${intervalText(interval, format, allIdentical(values), level)}; ` +
      `the claim needs ${atLeast ? 'at least' : 'at most'} ${format(threshold)}): ${verdict}${hint}`,
  };
}

/** A measure over its valid runs; null (left out, like a skipped variant's) when a side has fewer than two. */
export function evaluateMeasure(measure: Measure<string, string>, context: EvaluationContext): MeasureResult | null {
  const { runs, connections } = context;
  const info = lookup(context.table, measure.metric);
  // A measure judges nothing, but its numbers must still describe the code: runs that got
  // answers they should not have are left out, and the sentence says how many.
  const valid = runs.filter((run) => !run.invalid);
  const left = invalidRunsOf([measure.numerator, measure.denominator], context).length;
  const a = samplesOf(valid, measure.numerator, measure.metric, connections);
  const b = samplesOf(valid, measure.denominator, measure.metric, connections);
  if (a.length < 2 || b.length < 2) return null;
  const interval = ratioInterval(a, b, metricFloor(info));
  const leftOut = left ? `; ${left} invalid run${left === 1 ? '' : 's'} left out` : '';
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
      `${measure.denominator} (${intervalText(interval, formatRatio, allIdentical(a, b), 0.95)}${leftOut})`,
  };
}
