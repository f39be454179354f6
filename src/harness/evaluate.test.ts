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
      run('sync', round, { sideLatencyP99Ms: 240 + round }),
      run('async', round, { sideLatencyP99Ms: 10 + round }),
    ]);
    const result = evaluateClaim(claim, context(runs));
    expect(result.verdict).toBe('confirmed');
    expect(result.estimate).toBeGreaterThan(15);
    expect(result.sentence).toMatch(/^\/ping p99 of sync was \d+× that of async \(95% CI .*\): confirmed$/);
    expect(result.samples.sync).toHaveLength(3);
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

describe('evaluateMeasure and summarise', () => {
  it('reports a ratio with an interval and no verdict', () => {
    const runs = [1, 2, 3].flatMap((round) => [run('a', round, { requestsPerSec: 60 + round }), run('b', round, { requestsPerSec: 30 + round })]);
    const measure = evaluateMeasure({ id: 'm', statement: 'm', metric: 'requestsPerSec', numerator: 'a', denominator: 'b' }, context(runs));
    expect(measure.estimate).toBeGreaterThan(1.8);
    expect(measure.estimate).toBeLessThan(2.1);
    expect('verdict' in measure).toBe(false);
  });

  it('summarises every metric by variant and connection count', () => {
    const runs = [run('a', 1, { requestsPerSec: 1 }), run('a', 2, { requestsPerSec: 3 }), run('a', 3, { requestsPerSec: 2 })];
    const [summary] = summarise(runs);
    expect(summary!.metrics.requestsPerSec).toEqual({ median: 2, min: 1, max: 3, n: 3 });
  });

  it('ranks verdicts: any contradiction wins, then inconclusive', () => {
    expect(worstVerdict(['confirmed', 'inconclusive', 'contradicted'])).toBe('contradicted');
    expect(worstVerdict(['confirmed', 'inconclusive'])).toBe('inconclusive');
    expect(worstVerdict([])).toBe('confirmed');
  });
});
