import { describe, expect, it } from 'vitest';
import { defineLab } from '../lab/define.js';
import type { LoadedLab } from '../lab/registry.js';
import type { AnyLab } from '../lab/types.js';
import { labHeader, loadedVariants, narrowed, planRun, resolveConfig } from './plan.js';
import { silent, type RunOptions } from './run-context.js';
import { MIN_ROUNDS } from './sequential.js';

// Three loaded variants and a fourth that only a scenario uses; one claim per pair, a
// measure over the pair no claim judges, a model of every variant.
const lab = defineLab({
  day: 99,
  slug: 'plan-test',
  title: 'a lab to plan',
  claim: 'sync is slower than async',
  summary: 'nothing',
  variants: {
    sync: { file: 'variants/sync.js', summary: 's' },
    async: { file: 'variants/async.js', summary: 'a' },
    pool: { file: 'variants/pool.js', summary: 'p' },
    login: { file: 'variants/login.js', summary: 'l' },
  },
  workload: {
    variants: ['sync', 'async', 'pool'],
    path: '/work',
    readyPath: '/ping',
    side: { path: '/ping', ratePerSec: 50, expectBody: 'pong' },
    claimsAtConnections: 10,
    sizing: { durationSec: 3, warmupRequests: 300, rounds: 7, connections: [1, 10, 50] },
    quick: { durationSec: 1, warmupRequests: 30, rounds: 2, connections: [10] },
  },
  claims: [
    { kind: 'ratio', id: 'sync-slower', statement: 's', metric: 'latencyP99Ms', numerator: 'sync', denominator: 'async', atLeast: 2 },
    { kind: 'scenario', id: 'login-works', statement: 'l', variant: 'login', steps: [] },
  ],
  measures: [
    { id: 'pool-vs-async', statement: 'p', metric: 'latencyP99Ms', numerator: 'pool', denominator: 'async' },
    { id: 'async-vs-sync', statement: 'a', metric: 'latencyP99Ms', numerator: 'async', denominator: 'sync' },
  ],
  model: {
    statement: 'one request at a time',
    predict: () => (['sync', 'async', 'pool'] as const).map((variant) => ({ variant, metric: 'latencyP99Ms', value: 1, reasoning: variant })),
  },
  takeaway: 'nothing',
}) as unknown as AnyLab;

const loaded: LoadedLab = { lab, folder: '99-plan-test', compiledDir: '/nowhere', readmePath: '/nowhere/README.md', variantPath: (name) => name, servicePath: (name) => name };
const options = (more: Partial<RunOptions> = {}): RunOptions => ({ quick: false, params: {}, version: '0.0.0', ...more });

describe('resolveConfig', () => {
  it("takes the mode's sizing: default, or quick", () => {
    expect(resolveConfig(loaded, options())).toMatchObject({ mode: 'default', durationSec: 3, warmupRequests: 300, rounds: 7, connections: [1, 10, 50], claimsAtConnections: 10 });
    expect(resolveConfig(loaded, options({ quick: true }))).toMatchObject({ mode: 'quick', durationSec: 1, warmupRequests: 30, connections: [10] });
  });

  it('never plans fewer rounds than the sequential test needs, whatever the lab or the flags say', () => {
    expect(resolveConfig(loaded, options({ quick: true })).rounds).toBe(MIN_ROUNDS);
    expect(resolveConfig(loaded, options({ rounds: 1 })).rounds).toBe(MIN_ROUNDS);
    expect(resolveConfig(loaded, options({ rounds: 12 })).rounds).toBe(12);
    // --rounds wins over check's cap; the cap over the mode's.
    expect(resolveConfig(loaded, options({ rounds: 5, maxRounds: 20 })).rounds).toBe(5);
    expect(resolveConfig(loaded, options({ maxRounds: 20 })).rounds).toBe(20);
  });

  it("loads one connection count under --connections, and judges claims at the lab's own count only when it is loaded", () => {
    expect(resolveConfig(loaded, options({ connections: 10 }))).toMatchObject({ connections: [10], claimsAtConnections: 10 });
    expect(resolveConfig(loaded, options({ connections: 4 }))).toMatchObject({ connections: [4], claimsAtConnections: 4 });
    const noPreference = { ...loaded, lab: { ...lab, workload: { ...lab.workload, claimsAtConnections: undefined } } };
    expect(resolveConfig(noPreference, options()).claimsAtConnections).toBe(50);
  });

  it("carries the workload's method (GET unless it says), path, side stream, flags and substitutes", () => {
    expect(resolveConfig(loaded, options({ durationSec: 9, params: { n: 2 }, substitutes: { sync: '/tmp/mine.mjs' } }))).toMatchObject({
      durationSec: 9,
      method: 'GET',
      path: '/work',
      checkEvery: 1,
      side: { path: '/ping', ratePerSec: 50 },
      params: { n: 2 },
      substitutes: { sync: '/tmp/mine.mjs' },
      variants: ['sync', 'async', 'pool'],
    });
  });
});

describe('narrowed', () => {
  const judged = narrowed(loaded, ['sync-slower']);

  it('keeps the claims asked for and loads only the variants they judge', () => {
    expect(judged.lab.claims.map((claim) => claim.id)).toEqual(['sync-slower']);
    expect(loadedVariants(judged)).toEqual(['sync', 'async']);
  });

  it('keeps the measures and the predictions about those variants only', () => {
    expect(judged.lab.measures!.map((measure) => measure.id)).toEqual(['async-vs-sync']);
    const context = { cpuCount: 2, connections: 10, threadpoolSize: 4, params: {}, calibration: {} };
    expect(judged.lab.model!.predict(context).map((prediction) => prediction.variant)).toEqual(['sync', 'async']);
  });

  it('loads nothing for a scenario claim: its process is its own', () => {
    expect(loadedVariants(narrowed(loaded, ['login-works']))).toEqual([]);
  });
});

describe('planRun', () => {
  it('under --quick judges every claim and says which variants the full run would load besides', () => {
    const run = planRun(loaded, options({ quick: true }), silent);
    expect(run.config.variants).toEqual(['sync', 'async']);
    expect(run.config.notLoaded).toEqual(['pool']);
    expect(run.releases).toEqual([]);
  });

  it('loads every variant of the workload in a default run', () => {
    const run = planRun(loaded, options(), silent);
    expect(run.config.variants).toEqual(['sync', 'async', 'pool']);
    expect(run.config.notLoaded).toEqual([]);
    expect(run.table.latencyP99Ms).toBeDefined();
  });
});

describe('labHeader', () => {
  it('leads with requests per second and the standard columns unless the lab says otherwise', () => {
    expect(labHeader(lab)).toMatchObject({ day: 99, slug: 'plan-test', headline: 'requestsPerSec', columns: ['requestsPerSec', 'latencyP50Ms', 'latencyP99Ms', 'eventLoopDelayP99Ms', 'serverCpuCores', 'rssPeakBytes'] });
    expect(labHeader({ ...lab, report: { headline: 'latencyP99Ms', columns: ['latencyP99Ms'] } })).toMatchObject({ headline: 'latencyP99Ms', columns: ['latencyP99Ms'] });
  });
});
