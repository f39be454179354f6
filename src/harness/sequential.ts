/**
 * Sequential rounds: a run looks at its claims after some of its rounds and stops as soon as
 * every judged claim is decided, instead of always running as many rounds as the hardest
 * claim on the busiest machine once needed.
 *
 * Looking more than once gives chance more than one try, so each look spends part of the
 * error budget (Bonferroni): with K looks, each look's interval has two-sided coverage
 * 1 − 0.05 / K, so the chance that any look confirms a claim whose true effect sits exactly
 * on its threshold stays at or below the 2.5% of one 95% look (the union bound), whatever
 * the looks' correlation. sequential.test.ts simulates it with each lab's own schedule.
 */
import { ROUNDS } from './rounds.js';
import { levelInterval, ratioInterval, verdictAtLeast } from './stats.js';

/** A run never decides before this many rounds: two points give an interval, not a verdict worth having. */
export const MIN_ROUNDS = ROUNDS.min;

/** The nominal one-sided error of a verdict: the 2.5% of a 95% two-sided interval. */
export const ERROR_BUDGET = 0.025;

/**
 * The rounds after which a run with at most `cap` rounds looks: the minimum, then every
 * second round, and the cap. Fewer looks keep each look's interval narrower; a claim that is
 * clear is decided at the first.
 */
export function lookSchedule(cap: number, min = MIN_ROUNDS): number[] {
  if (cap <= min) return [Math.max(cap, min)];
  const looks: number[] = [];
  for (let round = min; round < cap; round += 2) looks.push(round);
  looks.push(cap);
  return looks;
}

/** Each look's two-sided coverage when a run looks `looks` times. */
export function lookLevel(looks: number): number {
  return 1 - (2 * ERROR_BUDGET) / Math.max(1, looks);
}

/** A deterministic stream of standard normal draws (mulberry32 and Box-Muller), for simulations. */
export function normals(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

export interface SimulatedRuns {
  confirmed: number;
  contradicted: number;
  inconclusive: number;
  /** How many runs stopped at each look, by its round. */
  stoppedAt: Record<number, number>;
}

/**
 * `runs` simulated sequential runs of one "at least `threshold`" claim with the given look
 * schedule: a ratio of two variants (or one variant's level), each round's value lognormal
 * with spread `sigma` around a true ratio `trueRatio`. What the harness decides, counted.
 */
export function simulate(options: {
  looks: number[];
  threshold: number;
  trueRatio: number;
  sigma: number;
  runs: number;
  seed: number;
  kind: 'ratio' | 'level';
  /** Each look's coverage instead of the schedule's (to show why the budget is split). */
  levelOverride?: number;
}): SimulatedRuns {
  const { looks, threshold, trueRatio, sigma, runs, seed, kind } = options;
  const draw = normals(seed);
  const level = options.levelOverride ?? lookLevel(looks.length);
  const cap = looks[looks.length - 1]!;
  const out: SimulatedRuns = { confirmed: 0, contradicted: 0, inconclusive: 0, stoppedAt: {} };
  for (let run = 0; run < runs; run++) {
    const a: number[] = [];
    const b: number[] = [];
    for (let round = 1; round <= cap; round++) {
      a.push(Math.exp(Math.log(trueRatio) + sigma * draw()));
      b.push(Math.exp(sigma * draw()));
      if (!looks.includes(round)) continue;
      const interval = kind === 'ratio' ? ratioInterval(a, b, 0, level) : levelInterval(a, 0, level);
      const verdict = verdictAtLeast(interval, threshold);
      if (verdict !== 'inconclusive' || round === cap) {
        out[verdict as 'confirmed' | 'contradicted' | 'inconclusive']++;
        out.stoppedAt[round] = (out.stoppedAt[round] ?? 0) + 1;
        break;
      }
    }
  }
  return out;
}
