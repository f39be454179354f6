import { appendFileSync, closeSync, existsSync, openSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { BadOption, BadOut, DevcapError, ExitCode, NoSuchFile, UnknownVariant, UsageError } from '../errors.js';
import { wasInterrupted } from '../harness/cleanup.js';
import { whyNot } from '../harness/folders.js';
import { resolvedRedis } from '../infra/redis.js';
import { checkFits, machineLimits } from '../harness/preflight.js';
import { resolveConfig, runLab } from '../harness/run-lab.js';
import { selectLabs, type LoadedLab } from '../lab/registry.js';
import { reporter, type ReportEntry, type ReportOptions } from '../report/reporters.js';
import { SCHEMA_VERSION, type LabFailure, type LabResult } from '../report/result.js';
import { kindOf, paramValue, rangeOf } from './parse.js';
import { recordPredictions, recordRun } from './learner-state.js';
import { progressFor } from './progress.js';
import { checkedRoom, sendToRoom } from './room-client.js';
import { interruptedLine, openSession } from './session.js';

/**
 * Lab parameters: defaults, overridden by `--set name=value`. A name counts only when a
 * selected lab declares it as its own (not `constructor` through the prototype); each
 * value must fit its parameter's kind and range.
 */
export function resolveParams(loaded: LoadedLab, settings: string[], selected: LoadedLab[]): Record<string, number> {
  const declaredBy = (name: string) => selected.map(({ lab }) => lab.params ?? {}).find((params) => Object.hasOwn(params, name))?.[name];
  const known = () => {
    const names = [...new Set(selected.flatMap(({ lab }) => Object.keys(lab.params ?? {})))];
    return names.length ? `; parameters: ${names.map((name) => `${name} (${rangeOf(declaredBy(name)!) || 'any'})`).join(', ')}` : '';
  };
  const given = new Map<string, string>();
  for (const setting of settings) {
    const equals = setting.indexOf('=');
    const name = equals === -1 ? setting : setting.slice(0, equals);
    const param = name ? declaredBy(name) : undefined;
    if (equals === -1 || !name) {
      if (param) throw new BadOption(`--set takes name=value: give ${name} ${kindOf(param)}, e.g. --set ${name}=${param.default} (got "${setting}")`);
      const first = selected.flatMap(({ lab }) => Object.entries(lab.params ?? {}))[0];
      const example = first ? `--set ${first[0]}=${first[1].default}` : '--set iterations=120000';
      throw new BadOption(`--set takes name=value, e.g. ${example} (got "${setting}")${known()}`);
    }
    if (!param) throw new UsageError('DEVCAP_UNKNOWN_PARAM', `no parameter "${name}" here${known()}`);
    given.set(name, setting.slice(equals + 1));
  }
  const params: Record<string, number> = {};
  for (const [name, param] of Object.entries(loaded.lab.params ?? {})) {
    const raw = given.get(name);
    params[name] = raw === undefined ? param.default : paramValue(name, param, raw);
  }
  return params;
}

/** `--variant name=file`: the name must be one of the lab's variants, the file must exist. */
export function resolveSubstitutes(selected: LoadedLab[], wanted: Record<string, string>): Record<string, string> {
  const substitutes: Record<string, string> = {};
  for (const [name, file] of Object.entries(wanted)) {
    if (selected.length !== 1) throw new BadOption('--variant replaces a variant of one lab: name a lab, not "all"');
    const { lab } = selected[0]!;
    if (!Object.hasOwn(lab.variants, name)) {
      throw new UnknownVariant(`lab ${lab.day} has no variant "${name}"; variants: ${Object.keys(lab.variants).join(', ')}`);
    }
    const path = resolvePath(file);
    if (!existsSync(path) || !statSync(path).isFile()) throw new NoSuchFile(`--variant ${name}=${file}: no such file`);
    if (!/\.(c|m)?js$/.test(path)) throw new BadOption(`--variant ${name}=${file}: give a JavaScript file (.js, .mjs or .cjs)`);
    substitutes[name] = path;
  }
  return substitutes;
}

/**
 * What `lab` runs, checked in this order before anything starts (so the first fault is the one
 * reported): the labs, `--variant`, `--claims`, Redis, `--set`, and that every lab fits the machine.
 */
async function checkedRun(labs: LoadedLab[], target: string, options: LabCommandOptions, version: string) {
  const selected = selectLabs(labs, target);
  const substitutes = resolveSubstitutes(selected, options.variant ?? {});
  if (options.claims) {
    const known = selected.flatMap(({ lab }) => lab.claims.map((claim) => claim.id));
    const unknown = options.claims.filter((id) => !known.includes(id));
    if (unknown.length) throw new UsageError('DEVCAP_UNKNOWN_CLAIM', `no claim "${unknown[0]}" here; claims: ${known.join(', ')}`);
  }
  const redis = await resolvedRedis(options.redisUrl, Boolean(options.allowRemote));
  const settings = options.set ?? [];
  const plans = selected.map((loaded) => ({ loaded, params: resolveParams(loaded, settings, selected) }));
  // Every lab of the run must fit before the first one starts.
  const limits = machineLimits();
  for (const { loaded, params } of plans) {
    const { connections } = resolveConfig(loaded, { quick: Boolean(options.quick), connections: options.connections, params, version });
    checkFits(loaded.lab, params, Math.max(...connections), limits);
  }
  return { selected, substitutes, redis, plans };
}

/** What `lab`'s flags give (the table in options.ts). */
export interface LabCommandOptions {
  quick?: boolean;
  duration?: number;
  connections?: number;
  rounds?: number;
  set?: string[];
  variant?: Record<string, string>;
  claims?: string[];
  redisUrl?: string;
  allowRemote?: boolean;
  postgresBin?: string;
  out?: string;
  html?: string;
  junit?: string;
  live?: boolean;
  livePort?: number;
  room?: string;
  name?: string;
  json?: boolean;
  markdown?: boolean;
  strict?: boolean;
  predict?: boolean;
  color: boolean;
  debug?: boolean;
}

export async function runLabCommand(labs: LoadedLab[], target: string, options: LabCommandOptions, version: string): Promise<number> {
  // What a run killed outright (SIGKILL, the OOM killer) left behind goes first.
  const session = openSession({ announceSweep: !options.json, interruptLine: interruptedLine });

  const { selected, substitutes, redis, plans } = await checkedRun(labs, target, options, version);
  const color = options.color !== false && !options.json && process.stdout.isTTY && !process.env.NO_COLOR;
  // Checked before --out empties its file: a refused run changes nothing on disk.
  const html = options.html !== undefined ? htmlTarget(options.html) : undefined;
  const junit = options.junit !== undefined ? junitTarget(options.junit) : undefined;
  const room = await checkedRoom(options);
  const out = options.out !== undefined ? openOut(options.out) : undefined;
  const predictions = options.predict ? await predict(selected, options) : undefined;
  const live = await openLive(selected, options);

  const { progress, stop } = await progressFor(options);
  session.handleSignals(stop);

  const all = target === 'all';
  const entries: Array<LabResult | LabFailure> = [];
  let worst: number = ExitCode.ok;
  try {
    for (const [index, { loaded, params }] of plans.entries()) {
      // `lab all` says where it is in the curriculum on every progress line.
      const place = plans.length > 1 ? `lab ${index + 1} of ${plans.length} · ` : '';
      const labProgress = { phase: (text: string) => progress.phase(place + text), tick: (text: string) => progress.tick(text), event: live?.publish };
      let result: LabResult;
      try {
        result = await runLab(
          loaded,
          { quick: Boolean(options.quick), durationSec: options.duration, connections: options.connections, rounds: options.rounds, params, version, substitutes, claims: options.claims, redis, postgresBin: options.postgresBin },
          labProgress,
        );
      } catch (error) {
        if (wasInterrupted()) throw error;
        const failure = labFailure(loaded, error);
        out?.write(failure);
        live?.publish({ type: 'failure', failure });
        // One lab's failure ends a one-lab run; `lab all` records it and goes on.
        if (!all) throw error;
        stop();
        process.stderr.write(`devcap: ${failure.error.code}: lab ${loaded.lab.day} (${loaded.lab.slug}): ${failure.error.message}\n`);
        if (options.debug && error instanceof DevcapError && error.detail) process.stderr.write(`what it printed:\n${error.detail}\n`);
        if (options.debug && error instanceof Error && error.stack) process.stderr.write(error.stack + '\n');
        entries.push(failure);
        worst = Math.max(worst, failure.error.exitCode);
        continue;
      }
      // Saved before any reporter runs: a result once measured is never lost.
      out?.write(result);
      live?.publish({ type: 'result', result });
      recordRun(result);
      entries.push(result);
      worst = Math.max(worst, exitCodeOf(result, Boolean(options.strict)));
      if (!options.json) {
        stop();
        worst = Math.max(worst, await report(result, options.markdown ? 'markdown' : 'terminal', color, out?.path));
      }
      if (predictions) {
        const { scorePredictions } = await import('./predict.js');
        const score = scorePredictions(predictions.questions, predictions.answers, result);
        process.stdout.write(score.text + '\n');
        if (score.asked) recordPredictions(result.lab.day, score.right, score.asked);
        if (room && score.asked) await sendToRoom(room, { kind: 'lab', predictions: { right: score.right, asked: score.asked }, result }, Boolean(options.json));
      } else if (room) await sendToRoom(room, { kind: 'lab', result }, Boolean(options.json));
    }
  } finally {
    stop();
    await session.release();
    if (live) await live.finish(entries.length ? await finalPage(entries) : null);
  }
  if (options.json) process.stdout.write((await reporter('json'))(entries, { single: !all }) + '\n');
  // Last, after every result is printed: a page that cannot be written loses no result.
  if (html) worst = Math.max(worst, await writeHtml(html, entries));
  if (junit) worst = Math.max(worst, await writeJunit(junit, entries, { strict: Boolean(options.strict), json: options.json }));
  return worst;
}

/**
 * `--html <file>`: refused before anything runs when the file could not be written there
 * (no such directory, not a directory, no permission, a read-only disk). The probe opens
 * the file for appending, which changes nothing in a file that is there, and removes a
 * file it had to create.
 */
export function htmlTarget(path: string): string {
  return writableTarget(path, '--html', 'DEVCAP_BAD_HTML', 'the page');
}

/** `--junit <file>`: refused before anything runs, as --html is. */
export function junitTarget(path: string): string {
  return writableTarget(path, '--junit', 'DEVCAP_BAD_JUNIT', 'the JUnit report');
}

function writableTarget(path: string, flag: string, code: `DEVCAP_${string}`, what: string): string {
  const target = resolvePath(path);
  try {
    const existed = existsSync(target);
    if (existed && statSync(target).isDirectory()) throw Object.assign(new Error('it is a directory'), { code: 'EISDIR' });
    closeSync(openSync(target, 'a'));
    if (!existed) unlinkSync(target);
  } catch (error) {
    throw new UsageError(code, `${flag} ${path}: cannot write ${what} there (${whyNot(error, target)})`);
  }
  return target;
}

/**
 * `--live [--live-port n]`: the page's server starts before the first lab, and its URL is
 * printed (on stderr, so a --json run's stdout stays the result alone).
 */
async function openLive(selected: LoadedLab[], options: LabCommandOptions) {
  if (options.livePort !== undefined && !options.live) throw new BadOption('--live-port sets the port of the --live page: add --live');
  if (!options.live) return undefined;
  const { startLiveServer } = await import('./live-server.js');
  const title = selected.length === 1 ? `devcap · live · day ${selected[0]!.lab.day} · ${selected[0]!.lab.slug}` : `devcap · live · ${selected.length} labs`;
  const live = await startLiveServer(title, options.livePort);
  process.stderr.write(`devcap: live page at ${live.url} (open it in a browser; it ends with the run, showing the same page as --html)\n`);
  return live;
}

/** The --html page for the live page's last event; a page that fails costs only the live view its ending. */
async function finalPage(entries: ReportEntry[]): Promise<string | null> {
  try {
    return (await reporter('html'))(entries, {});
  } catch {
    return null;
  }
}

/** Renders and writes the page; one plain line on stderr either way (no width needed, so a 0-column terminal is fine). */
async function writeHtml(target: string, entries: ReportEntry[]): Promise<number> {
  try {
    writeFileSync(target, (await reporter('html'))(entries, {}));
  } catch (error) {
    process.stderr.write(`devcap: DEVCAP_HTML_FAILED: could not write the HTML page to ${target} (${(error as Error).message}); the results above are complete\n`);
    return ExitCode.runFailed;
  }
  process.stderr.write(`devcap: wrote the HTML page to ${target}\n`);
  return ExitCode.ok;
}

/** Renders and writes the JUnit XML; one plain line on stderr either way (under --json only a failure's). */
export async function writeJunit(target: string, entries: ReportEntry[], options: ReportOptions & { json?: boolean }): Promise<number> {
  try {
    writeFileSync(target, (await reporter('junit'))(entries, options));
  } catch (error) {
    process.stderr.write(`devcap: DEVCAP_JUNIT_FAILED: could not write the JUnit report to ${target} (${(error as Error).message}); the results above are complete\n`);
    return ExitCode.runFailed;
  }
  if (!options.json) process.stderr.write(`devcap: wrote the JUnit report to ${target}\n`);
  return ExitCode.ok;
}

/**
 * `--predict`: the questions are asked on the terminal before anything is measured. Not
 * with --json (a script's output) and not without a terminal to answer on.
 */
async function predict(selected: LoadedLab[], options: LabCommandOptions) {
  if (options.json) throw new UsageError('DEVCAP_PREDICT_NEEDS_TTY', '--predict asks questions in a terminal; leave out --json to use it');
  if (selected.length !== 1) throw new BadOption('--predict asks about one lab: name a lab, not "all"');
  if (!process.stdin.isTTY || !process.stdout.isTTY) throw new UsageError('DEVCAP_PREDICT_NEEDS_TTY', '--predict asks questions in a terminal, and this input or output is not one');
  const { ask, questionsFor } = await import('./predict.js');
  const questions = questionsFor(selected[0]!.lab, options.claims);
  const answers = await ask(questions, process.stdin, process.stdout);
  return { questions, answers };
}

/** What a lab's verdicts say: 4 invalid, 1 contradicted (or inconclusive with --strict), else 0. */
export function exitCodeOf(result: LabResult, strict: boolean): number {
  const verdicts = result.claims.map((claim) => claim.verdict);
  if (verdicts.includes('invalid')) return ExitCode.runFailed;
  if (verdicts.includes('contradicted')) return ExitCode.contradicted;
  if (strict && verdicts.includes('inconclusive')) return ExitCode.contradicted;
  return ExitCode.ok;
}

function labFailure(loaded: LoadedLab, error: unknown): LabFailure {
  const { day, slug, title } = loaded.lab;
  const devcap = error instanceof DevcapError;
  return {
    schemaVersion: SCHEMA_VERSION,
    lab: { day, slug, title },
    error: {
      code: devcap ? error.code : 'DEVCAP_INTERNAL',
      message: error instanceof Error ? error.message : String(error),
      exitCode: devcap ? error.exitCode : ExitCode.runFailed,
    },
  };
}

/**
 * Prints the human report. A reporter that throws costs the report, not the result: the
 * JSON goes to stdout instead (or is already in the --out file), with one line on why.
 */
export async function report(result: LabResult, kind: 'terminal' | 'markdown', color: boolean, outPath: string | undefined): Promise<number> {
  let text: string;
  try {
    text = (await reporter(kind))([result], { color });
  } catch (error) {
    const where = outPath ? `the result is in ${outPath}` : 'the result follows as JSON';
    process.stderr.write(`devcap: DEVCAP_REPORT_FAILED: the ${kind} report of lab ${result.lab.day} failed (${(error as Error).message}); ${where}\n`);
    if (!outPath) process.stdout.write((await reporter('json'))([result], { single: true }) + '\n');
    return ExitCode.runFailed;
  }
  process.stdout.write(text + '\n\n');
  return ExitCode.ok;
}

/**
 * `--out <file>`: JSON Lines, one LabResult (or LabFailure) per line, each appended the
 * moment its lab ends. The file is created (emptied) before the first lab starts, so an
 * unwritable path is refused before anything runs.
 */
export function openOut(path: string): { path: string; write(entry: LabResult | LabFailure): void } {
  const target = resolvePath(path);
  try {
    if (existsSync(target) && statSync(target).isDirectory()) throw Object.assign(new Error('it is a directory'), { code: 'EISDIR' });
    writeFileSync(target, '');
  } catch (error) {
    throw new BadOut(`--out ${path}: cannot write the results there (${whyNot(error, target)})`);
  }
  return {
    path: target,
    write(entry) {
      try {
        appendFileSync(target, JSON.stringify(entry) + '\n');
      } catch (error) {
        process.stderr.write(`devcap: DEVCAP_OUT_FAILED: could not append to ${target}: ${(error as Error).message}\n`);
      }
    },
  };
}
