/**
 * The statistics behind every verdict. Values are per-round results (one fresh process
 * per variant per round), compared on the log scale so a ratio's interval is symmetric
 * in "times better" and "times worse".
 */

// The shapes of a verdict and a spread belong to the result; the statistics produce them.
import type { Spread, Verdict } from '../report/result.js';
// The one median of devcap, the harness's and the labs' (`devcap/lab`).
import { median } from '../lab/helpers.js';

export type { Spread, Verdict };
export { median };

export interface Interval {
  estimate: number;
  low: number;
  high: number;
  /** Degrees of freedom behind the interval (Welch-Satterthwaite for two samples). */
  df: number;
  /** Standard error on the log scale (0 when every round gave the same values). */
  se: number;
  /** Rounds per sample behind the interval (the smallest, when samples differ). */
  n: number;
}


export function spread(values: number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

export function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

export function variance(values: number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return values.reduce((sum, value) => sum + (value - m) ** 2, 0) / (values.length - 1);
}

// Two-sided 95% quantiles of Student's t (0.975) for df 1..30, then a few anchors.
const T975: Array<[number, number]> = [
  [1, 12.706], [2, 4.303], [3, 3.182], [4, 2.776], [5, 2.571], [6, 2.447], [7, 2.365],
  [8, 2.306], [9, 2.262], [10, 2.228], [11, 2.201], [12, 2.179], [13, 2.16], [14, 2.145],
  [15, 2.131], [16, 2.12], [17, 2.11], [18, 2.101], [19, 2.093], [20, 2.086], [21, 2.08],
  [22, 2.074], [23, 2.069], [24, 2.064], [25, 2.06], [26, 2.056], [27, 2.052], [28, 2.048],
  [29, 2.045], [30, 2.042], [40, 2.021], [60, 2.0], [120, 1.98], [Infinity, 1.96],
];

/** t quantile for 95% two-sided intervals; fractional df (Welch) interpolate. */
export function tQuantile975(df: number): number {
  if (!(df > 0)) return Number.NaN;
  if (df <= 1) return T975[0]![1];
  for (let i = 1; i < T975.length; i++) {
    const [d1, t1] = T975[i]!;
    if (df <= d1) {
      const [d0, t0] = T975[i - 1]!;
      if (d1 === Infinity) return t1;
      return t0 + ((t1 - t0) * (df - d0)) / (d1 - d0);
    }
  }
  return 1.96;
}

const logs = (values: number[], floor: number) => values.map((value) => Math.log(Math.max(value, floor > 0 ? floor : Number.MIN_VALUE)));

/**
 * A sum of signed log-means, `Σ sign·mean(log x)`, with a 95% Welch-Satterthwaite
 * interval: one sample is a level, two a ratio, four a ratio of ratios.
 */
export function logContrast(samples: Array<{ values: number[]; sign: 1 | -1 }>, floor = 0): Interval {
  for (const { values } of samples) if (values.length < 2) throw new RangeError('an interval needs at least two rounds per sample');
  const parts = samples.map(({ values, sign }) => {
    const l = logs(values, floor);
    return { sign, mean: mean(l), v: variance(l) / l.length, n: l.length };
  });
  const diff = parts.reduce((sum, part) => sum + part.sign * part.mean, 0);
  const total = parts.reduce((sum, part) => sum + part.v, 0);
  const se = Math.sqrt(total);
  const n = Math.min(...parts.map((part) => part.n));
  // Welch-Satterthwaite; with no spread at all, the smallest n - 1.
  const df = total > 0 ? total ** 2 / parts.reduce((sum, part) => sum + part.v ** 2 / (part.n - 1), 0) : n - 1;
  const half = tQuantile975(df) * se;
  return { estimate: Math.exp(diff), low: Math.exp(diff - half), high: Math.exp(diff + half), df, se, n };
}

/**
 * Ratio of geometric means a/b with a 95% Welch interval on log values. Values below
 * `floor` are raised to it (latency below the generator's 1 ms resolution is unknown).
 */
export function ratioInterval(a: number[], b: number[], floor = 0): Interval {
  return logContrast([{ values: a, sign: 1 }, { values: b, sign: -1 }], floor);
}

/** (a/b) / (c/d): how much bigger one ratio is than another, e.g. an effect next to its control. */
export function ratioOfRatiosInterval(a: number[], b: number[], c: number[], d: number[], floor = 0): Interval {
  return logContrast(
    [
      { values: a, sign: 1 },
      { values: b, sign: -1 },
      { values: c, sign: -1 },
      { values: d, sign: 1 },
    ],
    floor,
  );
}

/** Geometric mean of one sample with a 95% t interval on log values. */
export function levelInterval(values: number[], floor = 0): Interval {
  return logContrast([{ values, sign: 1 }], floor);
}

/** "at least `threshold`": confirmed when the whole interval clears it, contradicted when the whole interval falls short. */
export function verdictAtLeast(interval: Interval, threshold: number): Verdict {
  if (interval.low >= threshold) return 'confirmed';
  if (interval.high < threshold) return 'contradicted';
  return 'inconclusive';
}

/** "at most `threshold`": the mirror of verdictAtLeast. */
export function verdictAtMost(interval: Interval, threshold: number): Verdict {
  if (interval.high <= threshold) return 'confirmed';
  if (interval.low > threshold) return 'contradicted';
  return 'inconclusive';
}

/** "between `low` and `high`" (a model's band): confirmed inside, contradicted wholly outside. */
export function verdictWithin(interval: Interval, low: number, high: number): Verdict {
  if (interval.low >= low && interval.high <= high) return 'confirmed';
  if (interval.high < low || interval.low > high) return 'contradicted';
  return 'inconclusive';
}

/**
 * For an inconclusive claim: about how many rounds would let the interval clear `bound`
 * on the side the estimate lies, if the spread stayed as it is (the half-width shrinks
 * with the square root of the rounds). Undefined when the estimate sits on the bound.
 */
export function roundsToSettle(interval: Interval, bound: number): number | undefined {
  const gap = Math.abs(Math.log(interval.estimate) - Math.log(bound));
  if (!(gap > 0) || !(interval.se > 0)) return undefined;
  const rounds = Math.ceil(interval.n * ((1.96 * interval.se) / gap) ** 2 * 1.2);
  return Math.max(interval.n + 1, rounds);
}

/** True when every value of every sample is the same: there is no spread to speak of. */
export function allIdentical(...samples: number[][]): boolean {
  return samples.every((values) => values.every((value) => value === values[0]));
}
