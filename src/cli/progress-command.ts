/**
 * `devcap progress`: where a learner stands, from their record (learner-state.ts): the days
 * whose labs they ran and how those runs came out, the exercises that pass, how their
 * predictions fared, and what to do next.
 */
import type { LabManifestEntry } from '../lab/registry.js';
import type { LearnerState } from './learner-state.js';

export interface ProgressReport {
  file: string;
  labs: Array<{ day: number; slug: string; runs: number; lastRun: string | null; lastOutcome: string | null }>;
  exercises: Array<{ day: number; slug: string; status: 'passed' | 'not yet' | 'not started'; checks: number; passedAt: string | null }>;
  predictions: { right: number; asked: number; labs: number };
  next: string;
}

export function progressReport(state: LearnerState, labs: LabManifestEntry[], withExercise: (entry: LabManifestEntry) => boolean, file: string): ProgressReport {
  const rows = labs.map((entry) => {
    const runs = state.runs.filter((run) => run.day === entry.day);
    const last = runs.at(-1);
    return { day: entry.day, slug: entry.slug, runs: runs.length, lastRun: last?.date ?? null, lastOutcome: last ? describeOutcome(last.outcome, last.substituted) : null };
  });
  const exercises = labs.filter(withExercise).map((entry) => {
    const record = state.exercises[String(entry.day)];
    const status: 'passed' | 'not yet' | 'not started' = !record ? 'not started' : record.passed || record.passedAt ? 'passed' : 'not yet';
    return { day: entry.day, slug: entry.slug, status, checks: record?.checks ?? 0, passedAt: record?.passedAt ?? null };
  });
  const predictions = {
    right: state.predictions.reduce((sum, entry) => sum + entry.right, 0),
    asked: state.predictions.reduce((sum, entry) => sum + entry.asked, 0),
    labs: new Set(state.predictions.map((entry) => entry.day)).size,
  };
  return { file, labs: rows, exercises, predictions, next: nextStep(rows, exercises) };
}

function describeOutcome(outcome: string, substituted: boolean): string {
  const text = outcome === 'confirmed' ? 'every claim confirmed' : outcome === 'contradicted' ? 'a claim contradicted' : outcome === 'inconclusive' ? 'a claim inconclusive' : 'invalid run';
  return substituted ? `${text} (with your own file)` : text;
}

/** The first day not run yet, else the first exercise not passed, else done. */
function nextStep(labs: ProgressReport['labs'], exercises: ProgressReport['exercises']): string {
  const unrun = labs.find((lab) => lab.runs === 0);
  const open = exercises.find((exercise) => exercise.status !== 'passed');
  if (unrun && open && open.day < unrun.day) return exerciseStep(open);
  if (unrun) return `devcap lab ${unrun.day}   (day ${unrun.day}, ${unrun.slug}: not run yet; add --predict to guess first)`;
  if (open) return exerciseStep(open);
  return 'every lab run and every exercise passed: try a lab\'s "Try this" list (devcap show <lab>)';
}

function exerciseStep(exercise: ProgressReport['exercises'][number]): string {
  return exercise.status === 'not started'
    ? `devcap exercise ${exercise.day}   (lab ${exercise.day}'s exercise, not started)`
    : `devcap check ${exercise.day} <your file>   (lab ${exercise.day}'s exercise, not passed yet)`;
}

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '');

export function renderProgress(report: ProgressReport): string {
  const width = Math.max(...report.labs.map((lab) => lab.slug.length));
  const lines = ['Labs run:'];
  for (const lab of report.labs) {
    const what = lab.runs ? `${lab.runs} run${lab.runs === 1 ? '' : 's'}, last ${day(lab.lastRun)}: ${lab.lastOutcome}` : '-';
    lines.push(`  ${String(lab.day).padStart(2)}  ${lab.slug.padEnd(width)}  ${what}`);
  }
  const passed = report.exercises.filter((exercise) => exercise.status === 'passed').length;
  lines.push('', `Exercises: ${passed} of ${report.exercises.length} passed`);
  for (const exercise of report.exercises) {
    const what =
      exercise.status === 'passed'
        ? `passed ${day(exercise.passedAt)} (${exercise.checks} check${exercise.checks === 1 ? '' : 's'})`
        : exercise.status === 'not yet'
          ? `not yet (${exercise.checks} check${exercise.checks === 1 ? '' : 's'})`
          : 'not started';
    lines.push(`  ${String(exercise.day).padStart(2)}  ${exercise.slug.padEnd(width)}  ${what}`);
  }
  const { right, asked, labs } = report.predictions;
  lines.push(
    '',
    asked
      ? `Predictions: ${right} of ${asked} right (${Math.round((right / asked) * 100)}%), over ${labs} lab${labs === 1 ? '' : 's'}`
      : 'Predictions: none yet (devcap lab <lab> --predict asks before it measures)',
  );
  lines.push('', `Next: ${report.next}`, '', `(kept in ${report.file})`);
  return lines.join('\n');
}
