/**
 * `devcap lab <lab> --predict`: before measuring, one multiple-choice question per claim
 * (how much slower? how many req/s? will it hold?), asked without the claim's own wording,
 * which would give the answer away; after the run, each guess beside what was measured.
 * A guess is right when the measured estimate falls in the chosen range.
 */
import { createInterface } from 'node:readline/promises';
import { formatMetric, lookup, metricLabel, metrics as standardMetrics, type MetricInfo } from '../lab/metrics.js';
import type { AnyLab } from '../lab/types.js';
import type { ClaimResult, LabResult } from '../report/result.js';

export interface Choice {
  label: string;
  /** The estimate range this choice stands for: low ≤ estimate < high. */
  low: number;
  high: number;
  /** Scenario questions: the verdict this choice stands for. */
  holds?: boolean;
}

export interface Question {
  claim: string;
  text: string;
  choices: Choice[];
  /** How a measured estimate reads. */
  show(estimate: number): string;
}

const times = (value: number) => `${value < 1 ? value.toFixed(1) : Math.round(value * 10) / 10}×`;

/** Ranges between the cuts, each labelled by `name`. */
function ranges(cuts: number[], name: (low: number, high: number) => string): Choice[] {
  const edges = [-Infinity, ...cuts, Infinity];
  return edges.slice(0, -1).map((low, index) => ({ low, high: edges[index + 1]!, label: name(low, edges[index + 1]!) }));
}

export function questionsFor(lab: AnyLab, only?: string[]): Question[] {
  const table: Record<string, MetricInfo> = { ...standardMetrics, ...(lab.metrics ?? {}) };
  const label = (metric: string) => metricLabel(lookup(table, metric), lab.workload.side?.path);
  const questions: Question[] = [];
  for (const claim of lab.claims) {
    if (only && !only.includes(claim.id)) continue;
    switch (claim.kind) {
      case 'ratio': {
        const against = claim.relativeTo ? `, beside the same comparison of ${claim.relativeTo.numerator} and ${claim.relativeTo.denominator}` : '';
        questions.push({
          claim: claim.id,
          text: `${label(claim.metric)} of ${claim.numerator}, as a multiple of ${claim.denominator}'s${against}: about how many times?`,
          show: times,
          choices: ranges([0.7, 1.5, 5, 30], (low, high) =>
            low === -Infinity ? `less (under ${times(high)})` : high === Infinity ? `about 100× (over ${times(low)})` : low === 0.7 ? `about the same (${times(low)}–${times(high)})` : `about ${low === 1.5 ? 2 : 10}× (${times(low)}–${times(high)})`,
          ),
        });
        break;
      }
      case 'model': {
        const [low, high] = claim.within;
        questions.push({
          claim: claim.id,
          text: `${label(claim.metric)} of ${claim.variant}, against what the lab's model predicts (${lab.model?.statement ?? 'see devcap show'}):`,
          show: (estimate) => `${times(estimate)} the prediction`,
          choices: ranges([low, high], (from, to) => (from === -Infinity ? `well below it (under ${times(to)})` : to === Infinity ? `well above it (over ${times(from)})` : `as predicted (${times(from)}–${times(to)})`)),
        });
        break;
      }
      case 'threshold':
      case 'count': {
        const bound = claim.atLeast ?? claim.atMost ?? ('equals' in claim ? claim.equals : undefined);
        const info = lookup(table, claim.metric);
        if (bound === undefined) break;
        const cuts = bound > 0 ? [bound / 2, bound, bound * 5] : [bound, bound + 1];
        questions.push({
          claim: claim.id,
          text: `${label(claim.metric)} of ${claim.variant}:`,
          show: (estimate) => formatMetric(info, estimate),
          choices: ranges(cuts, (from, to) => (from === -Infinity ? `under ${formatMetric(info, to)}` : to === Infinity ? `${formatMetric(info, from)} or more` : `${formatMetric(info, from)} to ${formatMetric(info, to)}`)),
        });
        break;
      }
      case 'scenario':
        questions.push({
          claim: claim.id,
          text: `Will this hold for ${claim.variant}? "${claim.statement}"`,
          show: () => '',
          choices: [
            { label: 'yes', low: 0, high: 0, holds: true },
            { label: 'no', low: 0, high: 0, holds: false },
          ],
        });
        break;
    }
  }
  return questions;
}

/** Asks each question on the terminal; returns the chosen index for each. Ctrl-C ends devcap. */
export async function ask(questions: Question[], input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<number[]> {
  const rl = createInterface({ input, output, terminal: true });
  rl.on('SIGINT', () => {
    rl.close();
    output.write('\n');
    process.exit(130);
  });
  const answers: number[] = [];
  try {
    output.write(`Before it measures: ${questions.length} question${questions.length === 1 ? '' : 's'}, one per claim. Answer with a number.\n`);
    for (const [index, question] of questions.entries()) {
      output.write(`\n${index + 1}. ${question.text}\n`);
      question.choices.forEach((choice, n) => output.write(`   ${n + 1}) ${choice.label}\n`));
      for (;;) {
        const reply = (await rl.question('   your guess: ')).trim();
        const chosen = Number(reply);
        if (Number.isInteger(chosen) && chosen >= 1 && chosen <= question.choices.length) {
          answers.push(chosen - 1);
          break;
        }
        output.write(`   a number from 1 to ${question.choices.length}, please\n`);
      }
    }
    output.write('\n');
  } finally {
    rl.close();
  }
  return answers;
}

/** Which choice the measurement fell in; null when it gave no verdict to score against. */
export function measuredChoice(question: Question, claim: ClaimResult | undefined): number | null {
  if (!claim || claim.verdict === 'invalid' || claim.verdict === 'skipped') return null;
  if (question.choices[0]!.holds !== undefined) {
    if (claim.verdict === 'inconclusive') return null;
    return question.choices.findIndex((choice) => choice.holds === (claim.verdict === 'confirmed'));
  }
  if (claim.estimate === null) return null;
  const estimate = claim.estimate;
  const found = question.choices.findIndex((choice) => estimate >= choice.low && estimate < choice.high);
  return found === -1 ? null : found;
}

export function scorePredictions(questions: Question[], answers: number[], result: LabResult): { text: string; right: number; asked: number } {
  let right = 0;
  let asked = 0;
  const lines = ['Your predictions'];
  for (const [index, question] of questions.entries()) {
    const claim = result.claims.find((entry) => entry.id === question.claim);
    const guess = question.choices[answers[index]!]!;
    const measured = measuredChoice(question, claim);
    lines.push(`  ${index + 1}. ${question.text}`);
    if (measured === null) {
      lines.push(`     you said: ${guess.label}; no measurement to score it against (${claim?.verdict ?? 'not run'})`);
      continue;
    }
    asked += 1;
    const hit = measured === answers[index];
    if (hit) right += 1;
    const value = question.choices[0]!.holds !== undefined ? `it ${claim!.verdict === 'confirmed' ? 'held' : 'did not hold'}` : `measured ${question.show(claim!.estimate!)}`;
    lines.push(`     you said: ${guess.label}; ${value} → ${hit ? 'right' : `wrong (it was: ${question.choices[measured]!.label})`}`);
  }
  lines.push(asked ? `  score: ${right} of ${asked} right` : '  nothing to score: no claim gave a measurement');
  return { text: lines.join('\n'), right, asked };
}
