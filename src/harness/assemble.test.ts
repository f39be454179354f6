import { describe, expect, it } from 'vitest';
import { metrics } from '../lab/metrics.js';
import type { LoadedLab } from '../lab/registry.js';
import type { AnyLab } from '../lab/types.js';
import type { ClaimResult, Environment, RoundRun, RunConfig } from '../report/result.js';
import { assemble, runWarnings } from './assemble.js';
import { PhaseClock, RUN_PHASES } from './phases.js';
import type { ProvidedRun } from './run-context.js';

// Two loaded variants and one skipped for want of Redis; a claim on each pair, a scenario,
// a measure; three rounds of the loaded two, one of them with the generator at its limit.
const lab = {
  day: 99,
  slug: 'assemble-test',
  title: 't',
  claim: 'c',
  takeaway: 'k',
  variants: { slow: { file: 'variants/slow.js', summary: 'slow one' }, fast: { file: 'variants/fast.js', summary: 'fast one' }, cached: { file: 'variants/cached.js', summary: 'cached one' } },
  claims: [
    { kind: 'ratio', id: 'slow-is-slower', statement: 's', metric: 'latencyP99Ms', numerator: 'slow', denominator: 'fast', atLeast: 2 },
    { kind: 'ratio', id: 'cache-is-faster', statement: 'c', metric: 'latencyP99Ms', numerator: 'fast', denominator: 'cached', atLeast: 2 },
    { kind: 'scenario', id: 'answers', statement: 'a', variant: 'fast', steps: [] },
  ],
  measures: [{ id: 'throughput', statement: 't', metric: 'requestsPerSec', numerator: 'fast', denominator: 'slow' }],
} as unknown as AnyLab;

/** A valid run at 10 connections: its p99, the throughput that goes with it, and a metric no table knows. */
const clean = { connections: 10, order: 0, pid: null, statusCounts: { 200: 100 }, sideStatusCounts: null, errors: 0, timeouts: 0, generatorBound: false, invalid: null };
const roundRun = (variant: string, round: number, latencyP99Ms: number, more: Partial<RoundRun> = {}): RoundRun => ({
  ...clean,
  variant,
  round,
  metrics: { latencyP99Ms, requestsPerSec: 1000 / latencyP99Ms, customThing: 1 },
  ...more,
});
const runs = [roundRun('slow', 0, 50), roundRun('fast', 0, 10, { generatorBound: true }), roundRun('slow', 1, 52), roundRun('fast', 1, 11), roundRun('slow', 2, 51), roundRun('fast', 2, 10)];

const environment = { cpuCount: 2, loadAverage: [3.5, 1, 1] } as unknown as Environment;
const config = { claimsAtConnections: 10, side: null, substitutes: { slow: '/home/me/slow.ts' } } as unknown as RunConfig;
const scenario = { id: 'answers', verdict: 'confirmed' } as ClaimResult;
const run = {
  loaded: { lab } as LoadedLab,
  options: { version: '9.9.9' },
  config,
  environment,
  table: metrics,
  startedAt: '2026-12-03T15:00:00.000Z',
  startedMs: 0,
  clock: new PhaseClock(),
  provided: { env: {}, redis: null, services: [{ name: 'database', summary: 'd' }], skipped: [{ variant: 'cached', requires: ['redis'], reason: 'no redis-server' }] },
} as unknown as ProvidedRun;
const plan = { ran: 3, cap: 7, looks: [3, 5, 7], level: 0.98, stopped: 'decided' as const };

describe('assemble', () => {
  const result = assemble(run, { runs, plan, scenarios: [scenario] });

  it("says where the wall time went: the run's clock, the final judging included", () => {
    expect(Object.keys(result.timing!.phasesMs)).toEqual([...RUN_PHASES]);
    expect(result.timing!.aroundLoadMs).toBe(result.wallTimeMs - result.timing!.phasesMs.load);
    expect(result.timing!.phasesMs.judge + result.timing!.otherMs).toBeLessThanOrEqual(result.wallTimeMs + 1);
  });

  it('judges each claim on the runs, marks the ones a skipped variant needs, and takes the scenario as it ran', () => {
    expect(result.claims.map((claim) => [claim.id, claim.verdict])).toEqual([
      ['slow-is-slower', 'confirmed'],
      ['cache-is-faster', 'skipped'],
      ['answers', 'confirmed'],
    ]);
    expect(result.claims[1]!.sentence).toBe('skipped: cached needs redis');
    expect(result.claims[2]).toBe(scenario);
    // The skipped claim is no verdict on the lesson: the outcome is the worst of the others.
    expect(result.outcome).toBe('confirmed');
  });

  it('carries the plan, the runs, the measures, and every variant with the file that ran', () => {
    expect(result.rounds).toBe(plan);
    expect(result.runs).toBe(runs);
    expect(result.measures.map((measure) => measure.id)).toEqual(['throughput']);
    expect(result.variants).toEqual([
      { name: 'slow', summary: 'slow one', file: '/home/me/slow.ts', substituted: true },
      { name: 'fast', summary: 'fast one', file: 'variants/fast.js', substituted: false },
      { name: 'cached', summary: 'cached one', file: 'variants/cached.js', substituted: false },
    ]);
    expect(result.summary.map((entry) => entry.variant)).toEqual(['slow', 'fast']);
    expect(result.model).toBeNull();
    expect(result.skipped).toBe(run.provided.skipped);
    expect(result.services).toBe(run.provided.services);
    expect(result.tool).toEqual({ name: 'devcap', version: '9.9.9' });
    expect(result.lab).toMatchObject({ day: 99, slug: 'assemble-test', headline: 'requestsPerSec' });
  });

  it('describes every metric the runs have, one the table does not know as a count', () => {
    expect(Object.keys(result.metrics).sort()).toEqual(['customThing', 'latencyP99Ms', 'requestsPerSec']);
    expect(result.metrics.customThing).toEqual({ label: 'customThing', unit: 'count', better: 'higher' });
    expect(result.metrics.latencyP99Ms).toBe(metrics.latencyP99Ms);
  });

  it('warns of the bound generator, the substitute and the busy machine', () => {
    expect(result.warnings).toEqual([
      expect.stringMatching(/^the load generator used .* \(fast at 10 connections\): there the generator, not the server, set the limit$/),
      "slow is not the lab's own code: --variant ran /home/me/slow.ts in its place",
      'the machine was already busy (1-minute load average 3.5 on 2 CPUs): expect wider intervals',
    ]);
  });
});

describe('runWarnings', () => {
  const quiet = { cpuCount: 2, loadAverage: [0.5, 0.5, 0.5] } as unknown as Environment;
  const plain = { substitutes: {} } as unknown as RunConfig;

  it('is nothing for clean runs on a quiet machine', () => {
    expect(runWarnings(runs.map((entry) => ({ ...entry, generatorBound: false })), plain, quiet)).toEqual([]);
  });

  it('names each invalid run, and counts the valid ones with a few errors (not the invalid one again)', () => {
    const some = [roundRun('slow', 0, 50, { invalid: '/work had 9 errors or timeouts in 100 requests', errors: 9 }), roundRun('fast', 1, 10, { errors: 1 }), roundRun('fast', 2, 10, { timeouts: 1 })];
    expect(runWarnings(some, plain, quiet)).toEqual([
      'slow, round 1: invalid run: /work had 9 errors or timeouts in 100 requests',
      '2 run(s) saw a few connection errors or timeouts (under 1%); see runs[].errors and runs[].timeouts',
    ]);
  });
});
