/**
 * `devcap exercise <lab> [dir]` and `devcap check <lab> <file>`: a lab's lesson turned into
 * a task. The starting file is the lab's own variant with the problem (its source, the task
 * on top); the learner's fix runs in place of the lab's good variant, and is judged by the
 * lab's own claims about that variant, measured as a lab run measures them (quick sizing,
 * only those claims). Passed means every one of them is confirmed.
 *
 * Each exercise is the lab definition's `exercise` (what to run and judge) beside the lab
 * README's `## Exercise` section (the task, in the lesson's words).
 */
import { existsSync, readFileSync, statSync, watchFile, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { BadOption, ExitCode, HarnessError, PrerequisiteError, UsageError } from '../errors.js';
import { exitCodeFor, wasInterrupted } from '../harness/cleanup.js';
import { makeFolder, whyNot } from '../harness/folders.js';
import { runLab, type Progress } from '../harness/run-lab.js';
import { answeredWrongly } from '../harness/validity.js';
import { resolvedRedis } from '../infra/redis.js';
import { SOURCE_LABS_DIR, type LabManifestEntry, type LoadedLab } from '../lab/registry.js';
import type { ExerciseDefinition } from '../lab/types.js';
import type { ClaimResult, LabResult } from '../report/result.js';
import { junitTarget, resolveParams, writeJunit } from './lab-command.js';
import { learnerPath, runnableCopy } from './learner-file.js';
import { recordCheck } from './learner-state.js';
import { progressFor } from './progress.js';
import { checkedRoom, sendToRoom } from './room-client.js';
import { openSession } from './session.js';

/** A lab's exercise, as `defineLab({ exercise })` declares it (the build manifest carries it). */
export type Exercise = ExerciseDefinition<string, string>;

export function hasExercise(entry: LabManifestEntry): boolean {
  return entry.exercise !== undefined;
}

export function readExercise(entry: LabManifestEntry, labs: LabManifestEntry[]): Exercise {
  if (!entry.exercise) {
    const with_ = labs.filter(hasExercise).map((lab) => lab.day);
    throw new UsageError('DEVCAP_NO_EXERCISE', `lab ${entry.day} (${entry.slug}) has no exercise; labs with one: ${with_.join(', ')}`);
  }
  return entry.exercise;
}

/** The README's `## Exercise` section, as plain text: the task as the lesson states it. */
export function taskText(entry: LabManifestEntry): string {
  const readme = readFileSync(join(SOURCE_LABS_DIR, entry.folder, 'README.md'), 'utf8');
  const match = /^## Exercise\s*\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(readme);
  return (match?.[1] ?? '').trim();
}

/** `02-event-loop.ts`: one name per lab, so several exercises can share a folder. */
export function startFileName(entry: LabManifestEntry): string {
  return `${String(entry.day).padStart(2, '0')}-${entry.slug}.ts`;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    let line = '';
    for (const word of paragraph.replace(/`/g, '').split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    if (line) lines.push(line);
    lines.push('');
  }
  return lines.slice(0, -1);
}

/** The starting file: the task as a comment, then the lab's variant with the problem. */
export function startSource(entry: LabManifestEntry, exercise: Exercise, variantSource: string): string {
  const name = startFileName(entry);
  const header = [
    `Exercise, lab ${entry.day} (${entry.slug})`,
    '',
    ...wrap(taskText(entry), 86),
    '',
    `Check it: devcap check ${entry.day} ${name}   (add --watch to check again on every save)`,
  ];
  return header.map((line) => (line ? `// ${line}` : '//')).join('\n') + '\n\n' + variantSource;
}

export async function writeExercise(entry: LabManifestEntry, labs: LabManifestEntry[], dir: string, reset: boolean): Promise<string> {
  const exercise = readExercise(entry, labs);
  const { sourcesOf } = await import('./show.js');
  const source = (await sourcesOf(entry)).get(exercise.start)!;
  const folder = resolve(dir);
  if (existsSync(folder) && !statSync(folder).isDirectory()) throw new BadOption(`${dir} is a file, not a folder`);
  const target = join(folder, startFileName(entry));
  if (existsSync(target) && !reset) {
    throw new UsageError('DEVCAP_EXERCISE_EXISTS', `${target} already exists and may hold your work; check it with devcap check ${entry.day} ${relative(process.cwd(), target) || target}, or start again with --reset`);
  }
  try {
    makeFolder(folder);
    writeFileSync(target, startSource(entry, exercise, readFileSync(source, 'utf8')));
  } catch (error) {
    throw new UsageError('DEVCAP_BAD_DIR', `cannot write the exercise to ${dir} (${whyNot(error, target)})`);
  }
  return target;
}

export interface CheckOutcome {
  passed: boolean;
  /** `not yet decided`: every estimate leans the right way, an interval is still too wide; `invalid`: the run cannot judge. */
  status: 'passed' | 'not yet' | 'not yet decided' | 'invalid';
  exitCode: number;
  text: string;
  /** The exercise's claims as the run judged them (LabResult claim objects). */
  claims: ClaimResult[];
  /** The exercise's hint, when it has not passed. */
  hint: string | null;
  /**
   * Once it passes: how the lab's own solution differs from the learner's file, as a unified
   * diff (empty when they are the same), so a file that passed another way meets the lesson's.
   */
  solutionDiff?: string;
  result: LabResult;
}

const MARK: Record<string, string> = { confirmed: 'passed ', contradicted: 'not yet', inconclusive: 'not yet', invalid: 'invalid', skipped: 'skipped' };

/** What a check's run says about the learner's file: passed, not yet, or no verdict at all. */
export function judge(entry: LabManifestEntry, exercise: Exercise, fileName: string, result: LabResult): CheckOutcome {
  const sizing = exercise.rounds ? `quick sizing, at most ${exercise.rounds} rounds` : 'quick sizing';
  const judged = exercise.claims.map((id) => result.claims.find((claim) => claim.id === id)).filter((claim): claim is ClaimResult => claim !== undefined);
  const lines = [`lab ${entry.day} (${entry.slug}), exercise: ${fileName}, run as ${exercise.replaces[0]}`, ''];
  for (const claim of judged) {
    lines.push(`  ${MARK[claim.verdict] ?? claim.verdict}  ${claim.statement}`);
    lines.push(`           ${claim.sentence}`);
  }
  lines.push('');
  const verdicts = judged.map((claim) => claim.verdict);
  const took = `(${(result.wallTimeMs / 1000).toFixed(1)} s, ${sizing})`;
  // Wrong answers (or wrong statuses) from the learner's own server are the learner's to fix,
  // not bad luck: fast and wrong is "not yet", with what came back.
  const own = result.runs.find((run) => exercise.replaces.includes(run.variant) && answeredWrongly(run));
  if (own) {
    lines.push(`not yet: ${fileName} answers wrongly, however fast: ${own.invalid} ${took}`);
    return { passed: false, status: 'not yet', exitCode: ExitCode.contradicted, text: lines.join('\n'), claims: judged, hint: `${fileName} answers wrongly: ${own.invalid}`, result };
  }
  if (verdicts.includes('invalid')) {
    lines.push(`no verdict: the run was invalid, so these numbers cannot judge ${fileName} (see above); run it again ${took}`);
    return { passed: false, status: 'invalid', exitCode: ExitCode.runFailed, text: lines.join('\n'), claims: judged, hint: null, result };
  }
  if (verdicts.includes('skipped')) {
    const reason = result.skipped.map((skip) => skip.reason).join('; ');
    throw new PrerequisiteError('DEVCAP_PREREQUISITE_MISSING', `lab ${entry.day}'s exercise cannot run here: ${reason}`);
  }
  const passed = judged.length === exercise.claims.length && verdicts.every((verdict) => verdict === 'confirmed');
  // Undecided, not wrong: each claim not confirmed has its estimate past the threshold, only its interval is too wide.
  const leaning = (claim: ClaimResult) => {
    if (claim.verdict === 'confirmed') return true;
    const { estimate, threshold, band, direction } = claim;
    if (claim.verdict !== 'inconclusive' || estimate === null) return false;
    if (band) return estimate >= band[0] && estimate <= band[1];
    if (threshold === null) return false;
    return direction === 'atMost' ? estimate <= threshold : direction === 'atLeast' ? estimate >= threshold : false;
  };
  const undecided = !passed && judged.every(leaning);
  lines.push(
    passed
      ? `passed: ${fileName} does what the lesson says ${took}`
      : undecided
        ? `not yet decided: the numbers lean your way but do not settle it on this machine now; check again ${took}`
        : `not yet: ${exercise.hint} ${took}`,
  );
  return {
    passed,
    status: passed ? 'passed' : undecided ? 'not yet decided' : 'not yet',
    exitCode: passed ? ExitCode.ok : ExitCode.contradicted,
    text: lines.join('\n'),
    claims: judged,
    hint: passed ? null : exercise.hint,
    result,
  };
}

/** One check: the learner's file in the target variants' place, only the exercise's claims, quick sizing. */
export async function checkOnce(loaded: LoadedLab, entry: LabManifestEntry, exercise: Exercise, path: string, version: string, progress: Progress): Promise<CheckOutcome> {
  const labDir = dirname(loaded.variantPath(exercise.replaces[0]!));
  const copy = await runnableCopy(path, labDir);
  const substitutes = Object.fromEntries(exercise.replaces.map((name) => [name, copy]));
  const params = resolveParams(loaded, [], [loaded]);
  const result = await runLab(loaded, { quick: true, maxRounds: exercise.rounds, params, version, substitutes, claims: exercise.claims, check: true, redis: await resolvedRedis(undefined, false) }, progress).catch((error: unknown) => {
    // The learner's server that crashed or never answered: say it is theirs, by its own name.
    if (error instanceof HarnessError && ['DEVCAP_VARIANT_CRASHED', 'DEVCAP_NOT_READY'].includes(error.code)) {
      const hint = error.code === 'DEVCAP_NOT_READY' ? " (does it end with serve(app), from 'devcap/serve'?)" : '';
      const theirs = new HarnessError(error.code, `${basename(path)}, run as ${exercise.replaces[0]}: ${error.message.replace(`${loaded.lab.slug}/${exercise.replaces[0]} `, '')}${hint}`);
      theirs.detail = error.detail;
      throw theirs;
    }
    throw error;
  });
  const outcome = judge(entry, exercise, basename(path), result);
  recordCheck(entry.day, outcome.passed);
  if (outcome.passed) {
    outcome.solutionDiff = await solutionDiff(loaded, exercise, path);
    outcome.text += outcome.solutionDiff
      ? `\n\nThe lab's own solution (${exercise.replaces[0]}), against yours: lines with - are yours, + the lab's\n\n${outcome.solutionDiff}`
      : `\n\nYour file is the lab's own solution (${exercise.replaces[0]}), line for line.`;
  }
  return outcome;
}

/** The learner's file against the lab's reference solution (the source of the variant it replaces). */
async function solutionDiff(loaded: LoadedLab, exercise: Exercise, path: string): Promise<string> {
  const reference = join(SOURCE_LABS_DIR, loaded.folder, loaded.lab.variants[exercise.replaces[0]!]!.file.replace(/\.js$/, '.ts'));
  const { createTwoFilesPatch } = await import('diff');
  const theirs = readFileSync(path, 'utf8');
  const ours = readFileSync(reference, 'utf8');
  if (theirs === ours) return '';
  const patch = createTwoFilesPatch(basename(path), `${exercise.replaces[0]}.ts`, theirs, ours, '', '', { context: 2 });
  return patch
    .split('\n')
    .filter((line) => !/^=+$/.test(line))
    .map((line) => (/^(---|\+\+\+) /.test(line) ? line.trimEnd() : line))
    .join('\n')
    .trimEnd();
}

export interface CheckOptions {
  watch?: boolean;
  json?: boolean;
  junit?: string;
  room?: string;
  name?: string;
  color: boolean;
}

/** `check --json`: the outcome as data, the claims as the lab result has them, and the whole result. */
export function checkJson(entry: LabManifestEntry, exercise: Exercise, file: string, outcome: CheckOutcome) {
  return {
    lab: { day: entry.day, slug: entry.slug },
    file,
    runAs: exercise.replaces[0]!,
    passed: outcome.passed,
    status: outcome.status,
    exitCode: outcome.exitCode,
    claims: outcome.claims,
    hint: outcome.hint,
    solutionDiff: outcome.solutionDiff ?? null,
    result: outcome.result,
  };
}

export async function checkCommand(loaded: LoadedLab, entry: LabManifestEntry, labs: LabManifestEntry[], file: string, options: CheckOptions, version: string): Promise<number> {
  if (options.json && options.watch) throw new BadOption('--json prints one outcome and --watch checks again on every save: use one of them');
  const exercise = readExercise(entry, labs);
  const junit = options.junit !== undefined ? junitTarget(options.junit) : undefined;
  const room = await checkedRoom(options);
  const path = learnerPath(file, '');
  const session = openSession({
    interruptLine: (signal) => `devcap: ${options.watch ? 'stopped watching' : `interrupted (${signal})`}; nothing left running\n`,
    exitCode: (signal) => (options.watch && signal === 'SIGINT' ? ExitCode.ok : exitCodeFor(signal)),
  });
  // Made for each check (a stopped spinner does not start again).
  let output: Awaited<ReturnType<typeof progressFor>> = { progress: { phase() {}, tick() {} }, stop() {} };
  session.handleSignals(() => output.stop());
  const once = async (): Promise<number> => {
    output = await progressFor({ color: options.color, json: options.json });
    try {
      const outcome = await checkOnce(loaded, entry, exercise, path, version, output.progress);
      output.stop();
      process.stdout.write((options.json ? JSON.stringify(checkJson(entry, exercise, path, outcome), null, 2) : outcome.text) + '\n');
      if (room) await sendToRoom(room, { kind: 'check', check: { passed: outcome.passed, status: outcome.status }, result: outcome.result }, Boolean(options.json));
      // The exercise's claims only, and "not yet" of any kind is a failure: a check is passed or it is not.
      if (junit) {
        const judged = { ...outcome.result, claims: outcome.claims };
        const written = await writeJunit(junit, [judged], { strict: true, json: options.json, invalidAsFailure: outcome.status === 'not yet', suiteName: (lab) => `check ${lab.day} · ${lab.slug} · ${basename(path)}` });
        return Math.max(outcome.exitCode, written);
      }
      return outcome.exitCode;
    } finally {
      output.stop();
      await session.release();
    }
  };
  if (!options.watch) return once();

  // --watch: check now, then again after each save, until Ctrl-C. A save during a check
  // queues one more check, not one per save.
  let running = false;
  let again = false;
  const run = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    do {
      again = false;
      try {
        await once();
      } catch (error) {
        if (wasInterrupted()) return;
        process.stderr.write(`devcap: ${(error as { code?: string }).code ?? 'DEVCAP_INTERNAL'}: ${(error as Error).message}\n`);
      }
    } while (again);
    running = false;
    process.stderr.write(`devcap: watching ${file}; save it to check again, Ctrl-C to stop\n`);
  };
  // An editor's save can be several writes (truncate, write, rename): wait for it to settle.
  let settle: NodeJS.Timeout | undefined;
  watchFile(path, { interval: 300 }, (now, before) => {
    if (now.mtimeMs === before.mtimeMs) return;
    clearTimeout(settle);
    settle = setTimeout(() => {
      if (existsSync(path) && statSync(path).size > 0) void run();
    }, 400);
  });
  await run();
  // Until Ctrl-C: the interrupt handler ends the process.
  return new Promise<never>(() => {});
}
