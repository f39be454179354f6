import { describe, expect, it } from 'vitest';
import type { AnyLab, ModelContext } from '../lab/types.js';
import type { RoundRun, RunConfig } from '../report/result.js';
import { modelResult, predictionsFor } from './model.js';

// One request costs `workMs` of the calibration: a loop that does one at a time serves 1000 / workMs a second.
const lab = {
  model: {
    statement: 'one at a time',
    predict: ({ calibration }: ModelContext) =>
      ['sync', 'pool'].map((variant) => ({ variant, metric: 'requestsPerSec', value: (variant === 'pool' ? 4000 : 1000) / (calibration.workMs ?? 1), reasoning: `1000 / ${calibration.workMs} ms` })),
  },
} as unknown as AnyLab;
const config = { params: {} } as unknown as RunConfig;

const roundRun = (variant: string, requestsPerSec: number, workMs: number, more: Partial<RoundRun> = {}): RoundRun =>
  ({ variant, connections: 10, round: 0, metrics: { requestsPerSec }, calibration: { workMs }, predicted: predictionsFor(lab, variant, { workMs }, config, 10), invalid: null, ...more }) as RoundRun;

describe('predictionsFor', () => {
  it("is the model's predictions of one variant, by metric, from this calibration", () => {
    expect(predictionsFor(lab, 'sync', { workMs: 20 }, config, 10)).toEqual({ requestsPerSec: 50 });
    expect(predictionsFor(lab, 'pool', { workMs: 20 }, config, 10)).toEqual({ requestsPerSec: 200 });
  });

  it('is nothing without a model', () => {
    expect(predictionsFor({} as AnyLab, 'sync', { workMs: 20 }, config, 10)).toEqual({});
  });
});

describe('modelResult', () => {
  const runs = [roundRun('sync', 45, 20), roundRun('sync', 30, 25), roundRun('sync', 40, 40), roundRun('pool', 150, 20), roundRun('pool', 9999, 20, { invalid: 'wrong answers' })];

  it('scores each run against its own calibration, and reports the medians', () => {
    const result = modelResult(lab, config, runs, 10, () => false)!;
    expect(result.calibration).toEqual({ workMs: 20 });
    const sync = result.predictions.find((prediction) => prediction.variant === 'sync')!;
    // Predicted 50, 40 and 25; measured 45, 30 and 40: ratios 0.9, 0.75 and 1.6.
    expect(sync).toMatchObject({ predicted: 40, measured: 40, measuredOverPredicted: 0.9, reasoning: '1000 / 20 ms' });
  });

  it("leaves an invalid run's numbers out, and a variant that was skipped", () => {
    const pool = modelResult(lab, config, runs, 10, () => false)!.predictions.find((prediction) => prediction.variant === 'pool')!;
    expect(pool).toMatchObject({ predicted: 200, measured: 150, measuredOverPredicted: 0.75 });
    expect(modelResult(lab, config, runs, 10, (variant) => variant === 'pool')!.predictions.map((prediction) => prediction.variant)).toEqual(['sync']);
    // A variant whose every run was invalid is not scored at all.
    const allInvalid = runs.map((run) => (run.variant === 'pool' ? { ...run, invalid: 'wrong answers' } : run));
    expect(modelResult(lab, config, allInvalid, 10, () => false)!.predictions.map((prediction) => prediction.variant)).toEqual(['sync']);
  });

  it('is null without a model, or with nothing loaded at these connections', () => {
    expect(modelResult({} as AnyLab, config, runs, 10, () => false)).toBeNull();
    expect(modelResult(lab, config, runs, 50, () => false)).toBeNull();
  });
});
