/**
 * What a learner has done, kept between runs in `<state dir>/learner.json` (the state dir
 * of src/harness/ownership.ts; DEVCAP_STATE_DIR overrides it): the labs they ran, the
 * exercises they checked, the predictions they made. `devcap progress` reads it back.
 *
 * A learner's record is never thrown away: a file that does not parse is kept beside it
 * (learner.json.corrupt-<time>) before a fresh record starts, and every write goes to a
 * temp file renamed over the old one, so a crash mid-write leaves the old record whole.
 * Recording is a side matter: a state dir that cannot be written costs a warning, never a run.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeFolder } from '../harness/folders.js';
import { stateDir } from '../harness/ownership.js';
import type { LabResult } from '../report/result.js';

export interface LabRun {
  day: number;
  slug: string;
  date: string;
  /** 'confirmed' when every claim was, else the worst verdict: contradicted, invalid, inconclusive. */
  outcome: 'confirmed' | 'contradicted' | 'inconclusive' | 'invalid';
  quick: boolean;
  /** A `--variant` file ran in place of one of the lab's own. */
  substituted: boolean;
}

export interface ExerciseRecord {
  passed: boolean;
  checks: number;
  last: string;
  /** When it first passed (kept once passed, even if a later check does not). */
  passedAt?: string;
}

export interface PredictionRecord {
  day: number;
  date: string;
  right: number;
  asked: number;
}

export interface LearnerState {
  version: 1;
  runs: LabRun[];
  exercises: Record<string, ExerciseRecord>;
  predictions: PredictionRecord[];
}

/** Enough history for any course; the oldest runs go first. */
const MAX_ENTRIES = 500;

export function learnerFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), 'learner.json');
}

export function emptyState(): LearnerState {
  return { version: 1, runs: [], exercises: {}, predictions: [] };
}

function isState(value: unknown): value is LearnerState {
  const state = value as LearnerState;
  return (
    typeof state === 'object' && state !== null && state.version === 1 && Array.isArray(state.runs) &&
    typeof state.exercises === 'object' && state.exercises !== null && !Array.isArray(state.exercises) && Array.isArray(state.predictions)
  );
}

/**
 * The record, or a fresh one. `warn` hears about a file that could not be used, and where
 * it was kept.
 */
export function readState(file = learnerFile(), warn: (line: string) => void = () => {}): LearnerState {
  if (!existsSync(file)) return emptyState();
  // A file that cannot be read (permissions) throws: it is not corrupt, and is left alone.
  const text = readFileSync(file, 'utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    if (isState(parsed)) return parsed;
  } catch {
    // kept aside below
  }
  const backup = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(file, backup);
  warn(`DEVCAP_STATE_CORRUPT: ${file} was not a devcap progress record; kept it as ${backup} and started a fresh one`);
  return emptyState();
}

export function writeState(state: LearnerState, file = learnerFile()): void {
  makeFolder(join(file, '..'));
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(state, null, 2) + '\n');
  renameSync(temp, file);
}

/** Read, change, write; a failure anywhere is one line on stderr, never a failed run. */
export function updateState(change: (state: LearnerState) => void, file = learnerFile()): void {
  const warn = (line: string) => process.stderr.write(`devcap: ${line}\n`);
  try {
    const state = readState(file, warn);
    change(state);
    state.runs = state.runs.slice(-MAX_ENTRIES);
    state.predictions = state.predictions.slice(-MAX_ENTRIES);
    writeState(state, file);
  } catch (error) {
    warn(`DEVCAP_STATE_UNWRITABLE: could not record this in ${file} (${(error as Error).message})`);
  }
}

export function outcomeOf(result: LabResult): LabRun['outcome'] {
  const verdicts = result.claims.map((claim) => claim.verdict);
  for (const worst of ['invalid', 'contradicted', 'inconclusive'] as const) if (verdicts.includes(worst)) return worst;
  return 'confirmed';
}

export function recordRun(result: LabResult): void {
  updateState((state) => {
    state.runs.push({
      day: result.lab.day,
      slug: result.lab.slug,
      date: new Date().toISOString(),
      outcome: outcomeOf(result),
      quick: result.config.mode === 'quick',
      substituted: Object.keys(result.config.substitutes).length > 0,
    });
  });
}

export function recordCheck(day: number, passed: boolean): void {
  updateState((state) => {
    const now = new Date().toISOString();
    const previous = state.exercises[String(day)];
    state.exercises[String(day)] = {
      passed,
      checks: (previous?.checks ?? 0) + 1,
      last: now,
      passedAt: previous?.passedAt ?? (passed ? now : undefined),
    };
  });
}

export function recordPredictions(day: number, right: number, asked: number): void {
  updateState((state) => {
    state.predictions.push({ day, date: new Date().toISOString(), right, asked });
  });
}
