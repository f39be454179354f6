import { describe, expect, it } from 'vitest';
import { levelInterval, median, ratioInterval, spread, tQuantile975, verdictAtLeast, verdictAtMost } from './stats.js';

describe('median and spread', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    expect(spread([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5, n: 3 });
  });
});

describe('tQuantile975', () => {
  it('matches the table and interpolates fractional degrees of freedom', () => {
    expect(tQuantile975(1)).toBeCloseTo(12.706, 3);
    expect(tQuantile975(2)).toBeCloseTo(4.303, 3);
    expect(tQuantile975(10)).toBeCloseTo(2.228, 3);
    expect(tQuantile975(2.5)).toBeCloseTo((4.303 + 3.182) / 2, 3);
    expect(tQuantile975(1e6)).toBeCloseTo(1.96, 2);
    expect(tQuantile975(0)).toBeNaN();
  });
});

describe('ratioInterval', () => {
  it('estimates the ratio of geometric means with a Welch interval around it', () => {
    const interval = ratioInterval([200, 220, 240], [10, 11, 12]);
    expect(interval.estimate).toBeCloseTo(20, 5);
    expect(interval.low).toBeLessThan(20);
    expect(interval.high).toBeGreaterThan(20);
    expect(interval.low).toBeGreaterThan(15);
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

describe('verdicts', () => {
  it('confirms only when the whole interval clears the threshold', () => {
    expect(verdictAtLeast({ estimate: 20, low: 12, high: 30, df: 4 }, 5)).toBe('confirmed');
  });

  it('contradicts when the whole interval falls short', () => {
    expect(verdictAtLeast({ estimate: 1.1, low: 0.9, high: 1.3, df: 4 }, 5)).toBe('contradicted');
  });

  it('is inconclusive when the interval straddles the threshold', () => {
    expect(verdictAtLeast({ estimate: 5, low: 2, high: 12, df: 2 }, 5)).toBe('inconclusive');
  });

  it('mirrors for "at most" claims', () => {
    expect(verdictAtMost({ estimate: 50, low: 40, high: 60, df: 4 }, 100)).toBe('confirmed');
    expect(verdictAtMost({ estimate: 500, low: 400, high: 600, df: 4 }, 100)).toBe('contradicted');
    expect(verdictAtMost({ estimate: 100, low: 60, high: 160, df: 4 }, 100)).toBe('inconclusive');
  });

  it('gives a noisy but real effect an honest inconclusive, and a clear one a confirmation', () => {
    const noisy = levelInterval([800, 1500, 3000]);
    expect(verdictAtLeast(noisy, 1000)).toBe('inconclusive');
    const clear = levelInterval([7000, 7400, 7200]);
    expect(verdictAtLeast(clear, 1000)).toBe('confirmed');
  });
});
