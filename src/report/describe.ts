import { lookup, metricLabel, metrics as standardMetrics, type MetricInfo } from '../lab/metrics.js';
import type { LabResult, ModelResult } from './result.js';

/** How to read a metric of this result: the lab's own table first, then the standard one. */
export function infoOf(result: LabResult, name: string): MetricInfo {
  return result.metrics[name] ?? lookup(standardMetrics, name);
}

/** A metric's column header; side-stream metrics name their path (`/ping p99`). */
export function metricHeader(result: LabResult, name: string): string {
  return metricLabel(infoOf(result, name), result.config.side?.path);
}

/** An interval's coverage in words: 0.95 → "95%", 0.98333 → "98.3%". */
export function formatLevel(level: number): string {
  return `${Number((level * 100).toFixed(1))}%`;
}

/**
 * How many rounds ran, and why no more: "3 rounds (of at most 7: every claim decided at the
 * first look)". Results saved before runs were sequential say only the count.
 */
export function roundsText(result: LabResult): string {
  const plan = result.rounds;
  if (!plan || plan.stopped === 'none') return `${result.config.rounds} rounds`;
  if (plan.stopped === 'fixed') return `${plan.ran} rounds (fixed by --rounds, judged once)`;
  if (plan.stopped === 'cannot-pass') return `${plan.ran} round${plan.ran === 1 ? '' : 's'} (of at most ${plan.cap}: stopped once a claim came out ${plan.looks.includes(plan.ran) ? 'contradicted or invalid' : 'invalid'}, so the file cannot pass)`;
  if (plan.stopped === 'wrong-answers') return `${plan.ran} round${plan.ran === 1 ? '' : 's'} (of at most ${plan.cap}: stopped at the first wrong answer of the file checked)`;
  const look = plan.looks.indexOf(plan.ran) + 1;
  // Between looks only invalid runs end the rounds: their claims are invalid whatever follows.
  const decided = look ? `every claim decided at look ${look} of ${plan.looks.length}` : `every claim invalid after round ${plan.ran}`;
  const why = plan.stopped === 'decided' ? decided : `the cap, with claims still open at the earlier looks`;
  return `${plan.ran} rounds (of at most ${plan.cap}: ${why})`;
}

/** What load the variants got: path, connections, side stream, seconds and rounds. */
export function loadLine(result: LabResult): string {
  const { config } = result;
  const side = config.side ? `, with GET ${config.side.path} at ${config.side.ratePerSec}/s beside it` : '';
  return (
    `Load: ${config.method ?? 'GET'} ${config.path} at ${config.connections.join(', ')} connection(s)${side}; ` +
    `${config.durationSec} s × ${roundsText(result)} per variant, a fresh process each (${config.mode} run)`
  );
}

/** Where it ran: Node, CPUs, load average, and the lab parameters used. */
export function machineLine(result: LabResult): string {
  const { config, environment } = result;
  const params = Object.entries(config.params).map(([name, value]) => `${name}=${value}`).join(', ');
  return `Machine: Node ${environment.node}, ${environment.cpuCount} × ${environment.cpuModel}, load average ${environment.loadAverage[0]}` + (params ? `; parameters: ${params}` : '');
}

/** The variants a run left out, in words, or null (a result saved before `notLoaded` existed has none). */
export function leftOut(config: LabResult['config']): string | null {
  const names = config.notLoaded ?? [];
  if (!names.length) return null;
  const list = names.join(', ');
  return config.mode === 'quick'
    ? `Quick run: only what a claim judges is loaded; ${list} ${names.length === 1 ? 'comes' : 'come'} with a run without --quick, with the measures over ${names.length === 1 ? 'it' : 'them'}.`
    : `Left out: ${list} (no judged claim compares ${names.length === 1 ? 'it' : 'them'}).`;
}

/**
 * How the answers were checked, in words, or null when nothing was loaded (or the result
 * predates answer checks): a reader must know a fast variant was also a right one.
 */
export function answersLine(result: LabResult): string | null {
  const { config, runs } = result;
  const counted = runs.flatMap((run) => (run.answers ? [run.answers] : []));
  if (!config.requests || !counted.length) return null;
  const streams = counted.flatMap((answers) => [answers.warmUp, answers.load, answers.drive, ...(answers.side ? [answers.side] : [])]);
  const checked = streams.reduce((sum, count) => sum + count.checked, 0);
  const wrong = streams.reduce((sum, count) => sum + count.wrong, 0);
  const sample = config.checkEvery > 1 ? `one answer in ${config.checkEvery} of the load, every answer of the warm-up` : 'every answer of the load and its warm-up';
  const side = config.side ? ` and of GET ${config.side.path}` : '';
  const requests = config.requests > 1 ? ` over ${config.requests} different requests` : '';
  const verdict = wrong ? `${wrong.toLocaleString('en-US')} wrong (see the warnings)` : 'all right';
  return `Answers: ${sample}${side} checked against the correct one${requests}: ${checked.toLocaleString('en-US')} checked, ${verdict}`;
}

/** What the summary table's marks after a variant mean. */
export const TABLE_MARKS = {
  generatorBound: 'the load generator was the bottleneck in at least one round',
  invalid: 'invalid: wrong answers, answers outside the expected statuses, or too many errors (see the warnings)',
} as const;

/** The model's calibration in words, or null when it has none. */
export function calibrationLine(model: ModelResult): string | null {
  const calibration = Object.entries(model.calibration).map(([name, value]) => `${name} = ${value.toFixed(1)}`).join(', ');
  return calibration ? `calibrated right before each load (median): ${calibration}` : null;
}
