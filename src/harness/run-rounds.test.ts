import { describe, expect, it } from 'vitest';
import { metrics } from '../lab/metrics.js';
import type { LoadedLab } from '../lab/registry.js';
import type { AnyLab } from '../lab/types.js';
import type { RoundRun, RunConfig } from '../report/result.js';
import { PhaseClock } from './phases.js';
import type { ProvidedRun } from './run-context.js';
import { decidedBy, interimClaims, timeLeft } from './run-rounds.js';

describe('timeLeft', () => {
  it('plans from the run length before the first run', () => {
    // 15 runs of 1 s, each with about 1.5 s of starting and reading: about 38 s
    expect(timeLeft(0, 15, 0, 1)).toBe('about 38 s of loads left');
  });

  it('follows the pace of the runs so far once there are some', () => {
    // 5 runs took 20 s on this machine: the 10 left take about 40 s, whatever the plan said
    expect(timeLeft(5, 15, 20_000, 1)).toBe('40 s of loads left');
    expect(timeLeft(2, 50, 8_000, 10)).toBe('3 min of loads left');
  });

  it('says seconds up to 89, minutes from 90, and never less than 1 s', () => {
    expect(timeLeft(1, 90, 1_000, 1)).toBe('89 s of loads left');
    expect(timeLeft(1, 91, 1_000, 1)).toBe('2 min of loads left');
    expect(timeLeft(10, 10, 5_000, 1)).toBe('1 s of loads left');
  });
});

// A lab of two variants, one ratio claim (judged on the rounds) and one scenario (not).
const lab = {
  slug: 'rounds-test',
  variants: { slow: { file: 'slow.js', summary: 's' }, fast: { file: 'fast.js', summary: 'f' } },
  claims: [
    { kind: 'ratio', id: 'slow-is-slower', statement: 's', metric: 'latencyP99Ms', numerator: 'slow', denominator: 'fast', atLeast: 2 },
    { kind: 'scenario', id: 'answers', statement: 'a', variant: 'fast', steps: [] },
  ],
} as unknown as AnyLab;
const loaded = { lab } as LoadedLab;
const config = { claimsAtConnections: 10, side: null } as unknown as RunConfig;

/** Round by round, the p99 of slow and of fast, as valid runs at the claims' 10 connections (only what judging reads). */
const runs = (slowMs: number[], fastMs: number[]): RoundRun[] =>
  [...slowMs.map((ms, round) => ['slow', round, ms] as const), ...fastMs.map((ms, round) => ['fast', round, ms] as const)].map(
    ([variant, round, ms]) => ({ variant, round, connections: 10, metrics: { latencyP99Ms: ms }, invalid: null }) as unknown as RoundRun,
  );

describe('interimClaims', () => {
  it('judges the claims on the runs so far, scenarios left out', () => {
    const claims = interimClaims({ loaded, config, table: metrics }, runs([50, 52, 51], [10, 11, 10]));
    expect(claims.map((claim) => [claim.id, claim.verdict])).toEqual([['slow-is-slower', 'confirmed']]);
  });

  it('leaves out a claim that cannot be judged yet', () => {
    expect(interimClaims({ loaded, config, table: metrics }, [])).toEqual([]);
  });
});

describe('decidedBy', () => {
  const run = (rounds: number | undefined, skipped: string[] = [], check = false) =>
    ({
      loaded,
      config,
      table: metrics,
      clock: new PhaseClock(),
      options: { rounds, check },
      provided: { skipped: skipped.map((variant) => ({ variant, requires: ['redis'], reason: '' })) },
    }) as unknown as ProvidedRun;
  const invalidFast = (list: RoundRun[]) => list.map((entry) => (entry.variant === 'fast' && entry.round === 0 ? { ...entry, invalid: '3 wrong answers' } : entry));

  it('is nothing under --rounds: exactly that many rounds run', () => {
    expect(decidedBy(run(5))).toBeUndefined();
  });

  it('is decided once every judged claim is confirmed or contradicted, not while one is inconclusive', () => {
    const decided = decidedBy(run(undefined))!;
    expect(decided(runs([50, 52, 51], [10, 11, 10]), 0.95, true)).toBe('decided');
    expect(decided(runs([20, 60, 25], [10, 30, 12]), 0.95, true)).toBe(false);
    // Between looks, a decided claim does not stop the rounds: the looks' error budget says when.
    expect(decided(runs([50, 52, 51], [10, 11, 10]), 0.95, false)).toBe(false);
  });

  it('does not wait for a claim whose variant was skipped', () => {
    expect(decidedBy(run(undefined, ['slow']))!(runs([20, 60, 25], [10, 30, 12]), 0.95, true)).toBe('decided');
  });

  it('stops after any round once every judged claim is invalid: one invalid run fixes the verdict', () => {
    const decided = decidedBy(run(undefined))!;
    expect(decided(invalidFast(runs([50], [10])), 0.95, false)).toBe('decided');
    expect(decided(runs([50], [10]), 0.95, false)).toBe(false);
  });

  it('a check stops once its file cannot pass: a claim contradicted at a look', () => {
    // fast is slower than slow: the claim is contradicted
    const contradicting = runs([10, 11, 10], [50, 52, 51]);
    expect(decidedBy(run(undefined, [], true))!(contradicting, 0.95, true)).toBe('decided');
    const lab2 = {
      ...lab,
      claims: [...lab.claims, { kind: 'ratio', id: 'p50-too', statement: 'p', metric: 'latencyP50Ms', numerator: 'slow', denominator: 'fast', atLeast: 2 }],
    } as unknown as AnyLab;
    const twoClaims = (check: boolean) => ({ ...run(undefined, [], check), loaded: { lab: lab2 } as LoadedLab }) as ProvidedRun;
    // One claim contradicted, the other inconclusive (its p50 all over the place): a check stops, a lab run goes on.
    const mixed = contradicting.map((entry, index) => ({ ...entry, metrics: { ...entry.metrics, latencyP50Ms: [5, 40, 8, 30, 6, 35][index]! } }));
    expect(decidedBy(twoClaims(true))!(mixed, 0.95, true)).toBe('cannot-pass');
    expect(decidedBy(twoClaims(false))!(mixed, 0.95, true)).toBe(false);
  });
});
