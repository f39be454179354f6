/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import type { AnyLab } from '../lab/types.js';
import { ERROR_BUDGET, lookLevel, lookSchedule, simulate } from './sequential.js';

describe('lookSchedule and lookLevel', () => {
  it('sees every lab', () => {
    expect(labs.length).toBeGreaterThanOrEqual(16);
  });

  it('looks at round 3, every second round after it and at the cap; one look is a 95% interval', () => {
    expect(lookSchedule(3)).toEqual([3]);
    expect(lookSchedule(4)).toEqual([3, 4]);
    expect(lookSchedule(5)).toEqual([3, 5]);
    expect(lookSchedule(8)).toEqual([3, 5, 7, 8]);
    expect(lookLevel(1)).toBeCloseTo(0.95, 12);
    expect(lookLevel(3)).toBeCloseTo(1 - 0.05 / 3, 12);
  });
});

// Every cap a lab's sizing uses today (quick and default), and the exercises' (up to 8). `--rounds N`
// fixes N rounds and looks once, at 95%.
const labs = Object.values(import.meta.glob<{ default: AnyLab }>('../../labs/*/lab.ts', { eager: true })).map((module) => module.default);
const caps = [...new Set([3, 4, 5, 6, 7, 8, ...labs.flatMap((lab) => [lab.workload.quick.rounds, lab.workload.sizing.rounds])])].sort((a, b) => a - b);

// 10,000 runs estimate a rate of 2.5% within ±0.16% (one standard error): one fixed 95%
// look, exact by construction, lands above 2.5% about half the time. So each schedule's rate
// must be within three standard errors of 2.5% or below, and all schedules' rates together
// (the same question asked 4 × caps.length times over) at or below 2.5%.
const RUNS = 10_000;
const SLACK = 3 * Math.sqrt((ERROR_BUDGET * (1 - ERROR_BUDGET)) / RUNS);
const rates: number[] = [];

describe('the error a sequential run makes', () => {
  it.each(caps)('with a cap of %i rounds: a true effect exactly at the threshold is confirmed in at most 2.5 percent of 10,000 runs (within sampling error)', (cap) => {
    const looks = lookSchedule(cap);
    for (const kind of ['ratio', 'level'] as const) {
      for (const sigma of [0.05, 0.3]) {
        const runs = simulate({ looks, threshold: 2, trueRatio: 2, sigma, runs: RUNS, seed: cap * 7919 + (kind === 'ratio' ? 1 : 2) + sigma * 1000, kind });
        rates.push(runs.confirmed / RUNS);
        expect(runs.confirmed / RUNS, `${kind}, sigma ${sigma}`).toBeLessThanOrEqual(ERROR_BUDGET + SLACK);
      }
    }
  });

  it('over every schedule together, at or below 2.5%', () => {
    expect(rates.length).toBe(caps.length * 4);
    expect(rates.reduce((sum, rate) => sum + rate, 0) / rates.length).toBeLessThanOrEqual(ERROR_BUDGET);
  });

  it('can fail: looking after every round at 95% each confirms an effect at its threshold more than 2.5% of the time', () => {
    // The schedule's own level, but as if each look were a fixed-sample 95% test: the reason
    // the budget is split. Checked with every round a look up to 8.
    const naive = simulateNaive();
    expect(naive).toBeGreaterThan(ERROR_BUDGET * 1.5);
  });

  it('decides a claim far from its threshold at the first look, round 3', () => {
    const runs = simulate({ looks: lookSchedule(7), threshold: 10, trueRatio: 100, sigma: 0.2, runs: 2_000, seed: 11, kind: 'ratio' });
    expect(runs.confirmed).toBe(2_000);
    expect(runs.stoppedAt[3]! / 2_000).toBeGreaterThan(0.99);
  });

  it('costs little power: an effect 1.5 times its threshold is confirmed nearly as often as by one look after all rounds', () => {
    const sequential = simulate({ looks: lookSchedule(7), threshold: 2, trueRatio: 3, sigma: 0.2, runs: 4_000, seed: 12, kind: 'ratio' });
    const fixed = simulate({ looks: [7], threshold: 2, trueRatio: 3, sigma: 0.2, runs: 4_000, seed: 12, kind: 'ratio' });
    expect(sequential.confirmed / fixed.confirmed).toBeGreaterThan(0.85);
    // and stops earlier: most runs are decided before the cap
    expect((sequential.stoppedAt[7] ?? 0) / 4_000).toBeLessThan(0.5);
  });
});

/** Looks after every round from 3 to 8, each at 95%: no budget split. */
function simulateNaive(): number {
  const looks = [3, 4, 5, 6, 7, 8];
  let confirmed = 0;
  for (const seed of [1, 2, 3, 4, 5]) {
    confirmed += simulate({ looks, threshold: 2, trueRatio: 2, sigma: 0.2, runs: 2_000, seed, kind: 'ratio', levelOverride: 0.95 }).confirmed;
  }
  return confirmed / 10_000;
}
