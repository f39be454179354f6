import { describe, expect, it } from 'vitest';
import { metrics } from '../lab/metrics.js';
import type { RoundRun } from '../report/result.js';
import { evaluateClaim, evaluateMeasure, summarise, worstVerdict } from './evaluate.js';

function run(variant: string, round: number, values: Record<string, number>, connections = 10): RoundRun {
  return {
    variant,
    connections,
    round,
    order: 0,
    pid: null,
    metrics: values,
    statusCounts: { 200: 100 },
    sideStatusCounts: null,
    errors: 0,
    timeouts: 0,
    generatorBound: false,
    invalid: null,
  };
}

const context = (runs: RoundRun[]) => ({ runs, connections: 10, table: metrics, sidePath: '/ping' });

describe('evaluateClaim', () => {
  const claim = {
    kind: 'ratio' as const,
    id: 'ping',
    statement: 'ping waits behind sync work',
    metric: 'sideLatencyP99Ms',
    numerator: 'sync',
    denominator: 'async',
    atLeast: 5,
  };

  it('confirms a large, consistent effect and says so with its numbers', () => {
    const runs = [1, 2, 3].flatMap((round) => [
      run('sync', round, { sideLatencyP99Ms: 240 + round, sidePings: 200 }),
      run('async', round, { sideLatencyP99Ms: 10 + round, sidePings: 200 }),
    ]);
    const result = evaluateClaim(claim, context(runs));
    expect(result.verdict).toBe('confirmed');
    expect(result.estimate).toBeGreaterThan(15);
    expect(result.sentence).toMatch(/^\/ping p99 of sync was \d+× that of async \(95% CI .*, n = 3; .*\): confirmed$/);
    expect(result.samples.sync).toHaveLength(3);
  });

  it('says when a side-stream p99 rests on too few pings to be more than a maximum', () => {
    const runs = [1, 2, 3].flatMap((round) => [
      run('sync', round, { sideLatencyP99Ms: 240 + round, sidePings: 12 }),
      run('async', round, { sideLatencyP99Ms: 10 + round, sidePings: 200 }),
    ]);
    expect(evaluateClaim(claim, context(runs)).sentence).toMatch(/^\/ping p99 \(a p99 of as few as 12 pings: nearly the max\) of sync/);
  });

  it('contradicts a claim the measurements clearly refute', () => {
    const runs = [1, 2, 3].flatMap((round) => [
      run('sync', round, { sideLatencyP99Ms: 12 + round }),
      run('async', round, { sideLatencyP99Ms: 10 + round }),
    ]);
    expect(evaluateClaim(claim, context(runs)).verdict).toBe('contradicted');
  });

  it('stays inconclusive when rounds disagree too much to tell', () => {
    const runs = [
      run('sync', 1, { sideLatencyP99Ms: 20 }),
      run('sync', 2, { sideLatencyP99Ms: 200 }),
      run('async', 1, { sideLatencyP99Ms: 10 }),
      run('async', 2, { sideLatencyP99Ms: 11 }),
    ];
    expect(evaluateClaim(claim, context(runs)).verdict).toBe('inconclusive');
  });

  it('only uses runs at the claim connection count', () => {
    const runs = [1, 2, 3].flatMap((round) => [
      run('express', round, { requestsPerSec: 7000 + round }),
      run('express', round, { requestsPerSec: 10 }, 1),
    ]);
    const result = evaluateClaim(
      { kind: 'threshold', id: 'fast', statement: 'fast', metric: 'requestsPerSec', variant: 'express', atLeast: 1000 },
      context(runs),
    );
    expect(result.verdict).toBe('confirmed');
    expect(result.samples.express).toEqual([7001, 7002, 7003]);
  });
});

describe('invalid runs, counts and models', () => {
  const ratio = { kind: 'ratio' as const, id: 'r', statement: 'r', metric: 'sideLatencyP50Ms', numerator: 'sync', denominator: 'async', atLeast: 2 };

  it('judges nothing when a run it uses got wrong answers, and names the run', () => {
    const runs = [1, 2, 3].flatMap((round) => [run('sync', round, { sideLatencyP50Ms: 250 }), run('async', round, { sideLatencyP50Ms: 2 })]);
    runs[3]!.invalid = '/work answered 37 × 500 (expected 2xx)';
    const result = evaluateClaim(ratio, context(runs));
    expect(result.verdict).toBe('invalid');
    expect(result.sentence).toContain('async: /work answered 37 × 500');
  });

  it('says "identical in all N rounds" instead of a zero-width interval', () => {
    const runs = [1, 2, 3].flatMap((round) => [run('sync', round, { sideLatencyP50Ms: 250 }), run('async', round, { sideLatencyP50Ms: 2 })]);
    expect(evaluateClaim(ratio, context(runs)).sentence).toContain('identical in all 3 rounds');
  });

  it('contradicts an exact count when one round of three breaks it', () => {
    const claim = { kind: 'count' as const, id: 'one', statement: 'one query', metric: 'stampedeQueries', variant: 'coalesced', atMost: 1 };
    const runs = [1, 2, 3].map((round) => run('coalesced', round, { stampedeQueries: round === 2 ? 4 : 1 }));
    const result = evaluateClaim(claim, context(runs));
    expect(result.verdict).toBe('contradicted');
    expect(result.sentence).toContain('1 round(s) broke it');
    const clean = [1, 2, 3].map((round) => run('coalesced', round, { stampedeQueries: 1 }));
    expect(evaluateClaim(claim, context(clean)).verdict).toBe('confirmed');
  });

  it('counts 0 without taking its logarithm', () => {
    const claim = { kind: 'count' as const, id: 'none', statement: 'no hits', metric: 'hitRatio', variant: 'cache', atLeast: 0.5 };
    const runs = [1, 2, 3].map((round) => run('cache', round, { hitRatio: 0 }));
    const result = evaluateClaim(claim, context(runs));
    expect(result.verdict).toBe('contradicted');
    expect(result.estimate).toBe(0);
  });

  it('scores a model round by round against each round\'s own prediction', () => {
    const claim = { kind: 'model' as const, id: 'm', statement: 'm', metric: 'requestsPerSec', variant: 'sync', within: [0.7, 1.3] as [number, number] };
    // The machine slowed down between rounds; each round's calibration saw it too.
    const runs = [40, 25, 32].map((predicted, round) => ({ ...run('sync', round, { requestsPerSec: predicted * 0.9 }), predicted: { requestsPerSec: predicted } }));
    const result = evaluateClaim(claim, context(runs));
    expect(result.estimate).toBeCloseTo(0.9, 5);
    expect(result.verdict).toBe('confirmed');
    const twice = runs.map((entry) => ({ ...entry, metrics: { requestsPerSec: entry.predicted.requestsPerSec * 2 } }));
    expect(evaluateClaim(claim, context(twice)).verdict).toBe('contradicted');
  });
});

describe('evaluateMeasure and summarise', () => {
  it('reports a ratio with an interval and no verdict', () => {
    const runs = [1, 2, 3].flatMap((round) => [run('a', round, { requestsPerSec: 60 + round }), run('b', round, { requestsPerSec: 30 + round })]);
    const measure = evaluateMeasure({ id: 'm', statement: 'm', metric: 'requestsPerSec', numerator: 'a', denominator: 'b' }, context(runs));
    expect(measure!.estimate).toBeGreaterThan(1.8);
    expect(measure!.estimate).toBeLessThan(2.1);
    expect('verdict' in measure!).toBe(false);
  });

  it('leaves out runs that got answers they should not have, and says so', () => {
    const runs = [1, 2, 3].flatMap((round) => [run('a', round, { requestsPerSec: 60 + round }), run('b', round, { requestsPerSec: 30 + round })]);
    // A run that failed fast would make `a` look far quicker than it is.
    runs.push({ ...run('a', 4, { requestsPerSec: 6000 }), invalid: '40% of answers were 500' });
    const measure = evaluateMeasure({ id: 'm', statement: 'm', metric: 'requestsPerSec', numerator: 'a', denominator: 'b' }, context(runs));
    expect(measure!.estimate).toBeLessThan(2.1);
    expect(measure!.sentence).toMatch(/; 1 invalid run left out\)$/);
  });

  it('is left out when a side has fewer than two valid runs (a variant that answered 500 every time)', () => {
    const runs = [1, 2, 3].flatMap((round) => [
      { ...run('a', round, { requestsPerSec: 6000 }), invalid: '/work answered 500' },
      run('b', round, { requestsPerSec: 30 + round }),
    ]);
    expect(evaluateMeasure({ id: 'm', statement: 'm', metric: 'requestsPerSec', numerator: 'a', denominator: 'b' }, context(runs))).toBeNull();
  });

  it('summarises every metric by variant and connection count', () => {
    const runs = [run('a', 1, { requestsPerSec: 1 }), run('a', 2, { requestsPerSec: 3 }), run('a', 3, { requestsPerSec: 2 })];
    const [summary] = summarise(runs);
    expect(summary!.metrics.requestsPerSec).toEqual({ median: 2, min: 1, max: 3, n: 3 });
  });

  it('ranks verdicts: invalid, then contradicted, then inconclusive', () => {
    expect(worstVerdict(['confirmed', 'invalid', 'contradicted'])).toBe('invalid');
    expect(worstVerdict(['confirmed', 'inconclusive', 'contradicted'])).toBe('contradicted');
    expect(worstVerdict(['confirmed', 'inconclusive'])).toBe('inconclusive');
    expect(worstVerdict([])).toBe('confirmed');
  });
});
