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

/** ln Γ(x), Lanczos (g = 7, 9 terms): about 15 digits for x > 0. */
function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = c[0]!;
  for (let i = 1; i < 9; i++) sum += c[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The continued fraction of the regularized incomplete beta (modified Lentz). */
function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-14) break;
  }
  return h;
}

/** I_x(a, b), the regularized incomplete beta function. */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(x, a, b)) / a : 1 - (front * betaFraction(1 - x, b, a)) / b;
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom (fractional df, as Welch gives, too). */
export function tCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The standard normal p-quantile (Acklam's rational approximation, relative error below 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) => (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** Student's t density. */
function tDensity(t: number, df: number): number {
  return Math.exp(logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI) - ((df + 1) / 2) * Math.log(1 + (t * t) / df));
}

/**
 * The p-quantile of Student's t with `df` degrees of freedom: Newton's method on tCdf from
 * the Cornish-Fisher start, with a bisection fallback (small df, far tails).
 */
export function tQuantile(p: number, df: number): number {
  if (!(df > 0) || !(p > 0 && p < 1)) return Number.NaN;
  if (p < 0.5) return -tQuantile(1 - p, df);
  if (p === 0.5) return 0;
  const z = normalQuantile(p);
  let t = z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
  if (!(t > 0)) t = z;
  for (let i = 0; i < 50; i++) {
    const step = (tCdf(t, df) - p) / tDensity(t, df);
    const next = t - step;
    if (!(next > 0) || !Number.isFinite(next)) break;
    t = next;
    if (Math.abs(step) < 1e-12 * t) return t;
  }
  let low = 0;
  let high = 1;
  while (tCdf(high, df) < p) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-12 * high; i++) {
    const mid = (low + high) / 2;
    if (tCdf(mid, df) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/** t quantile for 95% two-sided intervals. */
export function tQuantile975(df: number): number {
  return tQuantile(0.975, df);
}

const logs = (values: number[], floor: number) => values.map((value) => Math.log(Math.max(value, floor > 0 ? floor : Number.MIN_VALUE)));

/**
 * A sum of signed log-means, `Σ sign·mean(log x)`, with a Welch-Satterthwaite interval of
 * two-sided coverage `level` (95% unless a sequential run asks for more): one sample is a
 * level, two a ratio, four a ratio of ratios.
 */
export function logContrast(samples: Array<{ values: number[]; sign: 1 | -1 }>, floor = 0, level = 0.95): Interval {
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
  const half = tQuantile(1 - (1 - level) / 2, df) * se;
  return { estimate: Math.exp(diff), low: Math.exp(diff - half), high: Math.exp(diff + half), df, se, n };
}

/**
 * Ratio of geometric means a/b with a 95% Welch interval on log values. Values below
 * `floor` are raised to it (latency below the generator's 1 ms resolution is unknown).
 */
export function ratioInterval(a: number[], b: number[], floor = 0, level = 0.95): Interval {
  return logContrast([{ values: a, sign: 1 }, { values: b, sign: -1 }], floor, level);
}

/** (a/b) / (c/d): how much bigger one ratio is than another, e.g. an effect next to its control. */
export function ratioOfRatiosInterval(a: number[], b: number[], c: number[], d: number[], floor = 0, level = 0.95): Interval {
  return logContrast(
    [
      { values: a, sign: 1 },
      { values: b, sign: -1 },
      { values: c, sign: -1 },
      { values: d, sign: 1 },
    ],
    floor,
    level,
  );
}

/** Geometric mean of one sample with a t interval (95% by default) on log values. */
export function levelInterval(values: number[], floor = 0, level = 0.95): Interval {
  return logContrast([{ values, sign: 1 }], floor, level);
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
