/** The lab's model beside the measurement: predictions per run, then measured over predicted. */
import type { AnyLab, Prediction } from '../lab/types.js';
import type { ModelResult, RoundRun, RunConfig } from '../report/result.js';
import { fingerprint, threadpoolSize } from './environment.js';
import { median } from './stats.js';

/** What the model predicts of one variant's metrics at these connections, from this calibration. */
export function predictionsFor(lab: AnyLab, variant: string, calibration: Record<string, number>, config: RunConfig, connections: number): Record<string, number> {
  if (!lab.model) return {};
  const predictions = lab.model.predict(modelContext(config, calibration, connections));
  return Object.fromEntries(predictions.filter((prediction) => prediction.variant === variant).map((prediction) => [prediction.metric, prediction.value]));
}

function modelContext(config: RunConfig, calibration: Record<string, number>, connections: number) {
  return { cpuCount: fingerprint().cpuCount, connections, threadpoolSize: threadpoolSize(), params: config.params, calibration };
}

/** The model beside the measurement: each run predicted from its own calibration, then medians. */
export function modelResult(lab: AnyLab, config: RunConfig, runs: RoundRun[], at: number, isSkipped: (variant: string) => boolean): ModelResult | null {
  if (!lab.model) return null;
  const mine = runs.filter((run) => run.connections === at);
  // Nothing was loaded (a run of scenarios only): there is nothing to predict.
  if (!mine.length) return null;
  const calibrations = mine.map((run) => run.calibration ?? {});
  const keys = [...new Set(calibrations.flatMap((calibration) => Object.keys(calibration)))];
  const calibration = Object.fromEntries(keys.map((key) => [key, median(calibrations.flatMap((entry) => (entry[key] !== undefined ? [entry[key]!] : [])))]));
  // The reasoning in words comes from the median calibration; the numbers from each run's own.
  const described: Prediction<string, string>[] = lab.model.predict(modelContext(config, calibration, at));
  return {
    statement: lab.model.statement,
    calibration,
    predictions: described
      // An invalid run's numbers do not describe the code: a variant with no valid run is not scored.
      .filter((prediction) => !isSkipped(prediction.variant) && mine.some((run) => run.variant === prediction.variant && !run.invalid))
      .map((prediction) => {
        const own = mine.filter((run) => run.variant === prediction.variant && !run.invalid);
        const pairs = own.flatMap((run) => {
          const predicted = run.predicted?.[prediction.metric];
          const measured = run.metrics[prediction.metric];
          return predicted !== undefined && measured !== undefined ? [{ predicted, measured }] : [];
        });
        return {
          variant: prediction.variant,
          metric: prediction.metric,
          predicted: pairs.length ? median(pairs.map((pair) => pair.predicted)) : prediction.value,
          measured: median(own.map((run) => run.metrics[prediction.metric] ?? Number.NaN)),
          measuredOverPredicted: median(pairs.map((pair) => pair.measured / pair.predicted)),
          reasoning: prediction.reasoning,
        };
      }),
  };
}
