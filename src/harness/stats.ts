/**
 * The statistics behind every verdict. Values are per-round results (one fresh process
 * per variant per round), compared on the log scale so a ratio's interval is symmetric
 * in "times better" and "times worse".
 */

export type Verdict = 'confirmed' | 'contradicted' | 'inconclusive';

export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

export interface Interval {
  estimate: number;
  low: number;
  high: number;
  /** Degrees of freedom behind the interval (Welch-Satterthwaite for two samples). */
  df: number;
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
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

const logs = (values: number[], floor: number) => values.map((value) => Math.log(Math.max(value, floor)));

/**
 * Ratio of geometric means a/b with a 95% Welch interval on log values. Values below
 * `floor` are raised to it (latency below the generator's 1 ms resolution is unknown).
 */
export function ratioInterval(a: number[], b: number[], floor = 0): Interval {
  if (a.length < 2 || b.length < 2) throw new RangeError('a ratio interval needs at least two rounds per side');
  const floorValue = floor > 0 ? floor : Number.MIN_VALUE;
  const la = logs(a, floorValue);
  const lb = logs(b, floorValue);
  const diff = mean(la) - mean(lb);
  const va = variance(la) / la.length;
  const vb = variance(lb) / lb.length;
  const se = Math.sqrt(va + vb);
  // Welch-Satterthwaite; when both sides have no spread at all, fall back to the smaller n - 1.
  const df = va + vb > 0
    ? (va + vb) ** 2 / ((va ** 2) / (la.length - 1) + (vb ** 2) / (lb.length - 1))
    : Math.min(la.length, lb.length) - 1;
  const half = tQuantile975(df) * se;
  return { estimate: Math.exp(diff), low: Math.exp(diff - half), high: Math.exp(diff + half), df };
}

/** Geometric mean of one sample with a 95% t interval on log values. */
export function levelInterval(values: number[], floor = 0): Interval {
  if (values.length < 2) throw new RangeError('an interval needs at least two rounds');
  const l = logs(values, floor > 0 ? floor : Number.MIN_VALUE);
  const m = mean(l);
  const se = Math.sqrt(variance(l) / l.length);
  const df = l.length - 1;
  const half = tQuantile975(df) * se;
  return { estimate: Math.exp(m), low: Math.exp(m - half), high: Math.exp(m + half), df };
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
