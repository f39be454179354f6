import { describe, expect, it } from 'vitest';
import {
  allIdentical,
  levelInterval,
  median,
  ratioInterval,
  ratioOfRatiosInterval,
  roundsToSettle,
  spread,
  tQuantile975,
  tQuantile,
  tCdf,
  verdictAtLeast,
  verdictAtMost,
  verdictWithin,
  type Interval,
} from './stats.js';

const iv = (estimate: number, low: number, high: number): Interval => ({ estimate, low, high, df: 4, se: 0.2, n: 3 });

describe('median and spread', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    expect(spread([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5, n: 3 });
  });
});

describe('tQuantile and tCdf', () => {
  it('match the tables at other levels (R qt) and invert each other', () => {
    expect(tQuantile(0.995, 4)).toBeCloseTo(4.6041, 3);
    expect(tQuantile(0.99, 10)).toBeCloseTo(2.7638, 3);
    expect(tQuantile(0.99583, 3)).toBeCloseTo(6.3, 0);
    expect(tQuantile(0.025, 4)).toBeCloseTo(-2.7764, 3);
    expect(tCdf(0, 3)).toBeCloseTo(0.5, 12);
    for (const df of [1.7, 4, 12.3]) for (const p of [0.9, 0.975, 0.999]) expect(tCdf(tQuantile(p, df), df)).toBeCloseTo(p, 9);
  });
});

describe('tQuantile975', () => {
  it('matches the table and interpolates fractional degrees of freedom', () => {
    expect(tQuantile975(1)).toBeCloseTo(12.706, 3);
    expect(tQuantile975(2)).toBeCloseTo(4.303, 3);
    expect(tQuantile975(10)).toBeCloseTo(2.228, 3);
    // fractional df, as Welch gives: between df 2 and 3, exactly (3.5747, checked by integrating the density)
    expect(tQuantile975(2.5)).toBeCloseTo(3.5747, 3);
    expect(tQuantile975(1e6)).toBeCloseTo(1.96, 2);
    expect(tQuantile975(0)).toBeNaN();
  });
});

describe('ratioInterval', () => {
  it('estimates the ratio of geometric means with a Welch interval around it', () => {
    const interval = ratioInterval([200, 220, 240], [10, 11, 12]);
    expect(interval.estimate).toBeCloseTo(20, 5);
    // Both samples have the same log spread s ≈ 0.0912; se = s·√(2/3) ≈ 0.0745, Welch df = 4, t = 2.776.
    expect(Math.log(interval.high / interval.estimate)).toBeCloseTo(2.776 * 0.0745, 2);
    expect(interval.df).toBeCloseTo(4, 5);
  });

  it('widens when the rounds disagree', () => {
    const tight = ratioInterval([100, 101, 99], [10, 10.1, 9.9]);
    const loose = ratioInterval([50, 100, 200], [10, 10.1, 9.9]);
    expect(loose.high / loose.low).toBeGreaterThan((tight.high / tight.low) * 10);
  });

  it('raises values below the floor to it, so 0 ms does not make an infinite ratio', () => {
    const interval = ratioInterval([250, 250, 250], [0, 0, 0], 1);
    expect(interval.estimate).toBeCloseTo(250, 5);
    expect(Number.isFinite(interval.high)).toBe(true);
  });

  it('refuses a single round: no interval can come of it', () => {
    expect(() => ratioInterval([1], [2, 3])).toThrow(RangeError);
  });
});

describe('ratioOfRatiosInterval', () => {
  it('divides one ratio by another: an effect judged beside its control', () => {
    const interval = ratioOfRatiosInterval([40, 44, 36], [4, 4.4, 3.6], [8, 8.8, 7.2], [4, 4.4, 3.6]);
    // (40/4) / (8/4) = 5, and the samples move together, but the interval still counts four samples' spread.
    expect(interval.estimate).toBeCloseTo(5, 5);
    expect(interval.low).toBeGreaterThan(3);
    expect(interval.high).toBeLessThan(8);
    expect(interval.high / interval.low).toBeGreaterThan(ratioInterval([40, 44, 36], [4, 4.4, 3.6]).high / ratioInterval([40, 44, 36], [4, 4.4, 3.6]).low);
  });
});

describe('identical rounds and rounds to settle', () => {
  it('knows when every round gave the same value', () => {
    expect(allIdentical([1, 1, 1], [2, 2])).toBe(true);
    expect(allIdentical([1, 1, 2])).toBe(false);
  });

  it('estimates more rounds for a narrower margin, and none when the estimate sits on the bound', () => {
    const near = roundsToSettle({ estimate: 2.2, low: 1.5, high: 3.2, df: 4, se: 0.15, n: 3 }, 2)!;
    const far = roundsToSettle({ estimate: 4, low: 1.5, high: 10, df: 4, se: 0.15, n: 3 }, 2)!;
    expect(near).toBeGreaterThan(far);
    expect(far).toBeGreaterThanOrEqual(4);
    expect(roundsToSettle({ estimate: 2, low: 1, high: 4, df: 4, se: 0.3, n: 3 }, 2)).toBeUndefined();
  });
});

describe('verdicts', () => {
  it('judges a band: inside, wholly outside, or straddling it', () => {
    expect(verdictWithin(iv(1, 0.9, 1.1), 0.7, 1.3)).toBe('confirmed');
    expect(verdictWithin(iv(3, 2.8, 3.2), 0.7, 1.3)).toBe('contradicted');
    expect(verdictWithin(iv(0.4, 0.3, 0.5), 0.7, 1.3)).toBe('contradicted');
    expect(verdictWithin(iv(1.2, 1, 1.5), 0.7, 1.3)).toBe('inconclusive');
  });

  it('confirms only when the whole interval clears the threshold', () => {
    expect(verdictAtLeast(iv(20, 12, 30), 5)).toBe('confirmed');
  });

  it('contradicts when the whole interval falls short', () => {
    expect(verdictAtLeast(iv(1.1, 0.9, 1.3), 5)).toBe('contradicted');
  });

  it('is inconclusive when the interval straddles the threshold', () => {
    expect(verdictAtLeast(iv(5, 2, 12), 5)).toBe('inconclusive');
  });

  it('mirrors for "at most" claims', () => {
    expect(verdictAtMost(iv(50, 40, 60), 100)).toBe('confirmed');
    expect(verdictAtMost(iv(500, 400, 600), 100)).toBe('contradicted');
    expect(verdictAtMost(iv(100, 60, 160), 100)).toBe('inconclusive');
  });

  it('gives a noisy but real effect an honest inconclusive, and a clear one a confirmation', () => {
    const noisy = levelInterval([800, 1500, 3000]);
    expect(verdictAtLeast(noisy, 1000)).toBe('inconclusive');
    const clear = levelInterval([7000, 7400, 7200]);
    expect(verdictAtLeast(clear, 1000)).toBe('confirmed');
  });
});
