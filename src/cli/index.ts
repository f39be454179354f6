import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { DevcapError, ExitCode } from '../errors.js';
import { ROUNDS } from '../harness/rounds.js';
import { findLab, readManifest, type LabManifestEntry } from '../lab/registry.js';
import { claimList, collectSetting, collectSubstitute, pair, positiveInteger } from './parse.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

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

/** One table drives the `lab` flags and their help (and the README's table of flags). */
export const labOptions: Option[] = [
  new Option('--quick', 'CI-sized run: shorter loads, every claim still evaluated'),
  new Option('--duration <sec>', 'measured seconds per run, whole seconds').argParser(positiveInteger('--duration', { max: 600 })),
  new Option('--connections <n>', 'load at this many connections instead of the lab\'s own').argParser(
    positiveInteger('--connections', { max: 1000 }),
  ),
  new Option('--rounds <n>', `exactly n rounds per variant, ${ROUNDS.min} to ${ROUNDS.max}, judged once (without it a run stops once every claim is decided)`).argParser(positiveInteger('--rounds', ROUNDS)),
  new Option('--set <name=value>', 'change a lab parameter (repeatable), e.g. --set iterations=120000').argParser(collectSetting),
  new Option('--variant <name=file>', 'run your own JavaScript file in place of a variant (repeatable), e.g. --variant pbkdf2-sync=./mine.js').argParser(
    collectSubstitute,
  ),
  new Option('--claims <ids>', 'judge only these claims (comma-separated ids; devcap list shows them) and run only what they need').argParser(claimList),
  new Option('--redis-url <url>', 'use this Redis instead of a private redis-server (also DEVCAP_REDIS_URL; REDIS_URL is ignored); loopback only unless --allow-remote'),
  new Option('--allow-remote', 'let --redis-url / DEVCAP_REDIS_URL name a Redis on another machine'),
  new Option('--postgres-bin <dir>', 'the PostgreSQL to run a private primary and standby from: the directory of initdb, postgres and pg_basebackup (also DEVCAP_POSTGRES_BIN; else PATH, then /usr/lib/postgresql/<version>/bin)'),
  new Option('--out <file>', 'also write each lab\'s result to this file as it ends (JSON Lines: one result per line)'),
  new Option('--html <file>', 'also write a self-contained HTML page (tables, verdicts, charts; no network) to this file when the run ends'),
  new Option('--junit <file>', 'also write JUnit XML (a test case per claim) to this file when the run ends, for CI dashboards and GitHub Classroom'),
  new Option('--live', 'show the run as it happens on a local page (127.0.0.1, the URL printed): the plan, every run, each claim\'s interval narrowing, the verdicts, then the --html page'),
  new Option('--live-port <n>', 'serve the --live page on this port instead of a free one').argParser(positiveInteger('--live-port', { min: 1, max: 65535 })),
  new Option('--room <url>', 'send the result (the JSON, nothing else) to an instructor\'s devcap room: the URL its join line printed; needs --name'),
  new Option('--name <display name>', 'the name the room shows beside your result (at most 40 characters)'),
  new Option('--json', 'print the result as JSON on stdout, nothing else').conflicts('markdown'),
  new Option('--markdown', 'print the result as Markdown (for course notes and CI summaries)'),
  new Option('--strict', 'exit 1 when a claim is inconclusive, not only when contradicted'),
  new Option('--predict', 'before measuring, guess each claim\'s outcome (multiple choice, in a terminal); then see your guesses beside the measurements'),
  new Option('--no-color', 'plain text output'),
  new Option('--debug', 'print stack traces for errors'),
];

function labTable(labs: LabManifestEntry[]): string {
  const width = Math.max(...labs.map((lab) => lab.slug.length));
  return labs.map((lab) => `  ${String(lab.day).padStart(2)}  ${lab.slug.padEnd(width)}  ${lab.title}`).join('\n');
}

/** The CLI knows the labs from the build's manifest; a lab's definition is imported only to run or show it. */
export function buildProgram(labs: LabManifestEntry[]): Command {
  const program = new Command('devcap')
    .description('Measured, honest labs that show how Node.js behaves under load.')
    .version(VERSION, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeErr: () => {} })
    .addHelpText(
      'after',
      `\nLabs:\n${labTable(labs)}\n\nExamples:\n  devcap lab 2                 run the event-loop lab\n` +
        `  devcap lab event-loop --quick --json\n  devcap lab all --quick       every lab, CI-sized\n` +
        `  devcap lab 1 --quick --html report.html\n                               also write a page with the tables, verdicts and charts\n` +
        `  devcap exercise 2            write lab 2's exercise; then devcap check 2 02-event-loop.ts\n` +
        `  devcap check 2 02-event-loop.ts --json\n                               the check's outcome as one JSON object\n` +
        `  devcap lab 2 --live          watch the run on a local page as it happens\n` +
        `  devcap room --host 0.0.0.0   gather a class's results; learners add --room <url> --name <name>\n` +
        `\nExit codes: 0 claims confirmed, 1 a claim contradicted (or inconclusive with --strict),\n` +
        `2 bad usage, 3 missing prerequisite, 4 the run itself failed,\n` +
        `130 / 143 / 129 stopped by SIGINT (Ctrl-C) / SIGTERM / SIGHUP after cleaning up.`,
    );

  program
    .command('list')
    .description('list the labs: day, slug, title, variants, claims and what each needs')
    .option('--json', 'print the list as JSON')
    .action(async (options: { json?: boolean }) => {
      const { listLabs } = await import('./list.js');
      process.stdout.write(listLabs(labs, Boolean(options.json)) + '\n');
    });

  program
    .command('show')
    .description("read a lab in the terminal: its README, a variant's or a control's source, or the diff of two")
    .argument('<lab>', 'a day (2) or a slug (event-loop)')
    .argument('[variant]', 'a variant or control (controls/<name>) to print instead of the README')
    .option('--diff <a,b>', 'the lines that differ between two variants or controls, e.g. --diff pbkdf2-sync,pbkdf2-async', pair)
    .option('--no-color', 'plain text output')
    .action(async (target: string, variant: string | undefined, options: { diff?: [string, string]; color: boolean }) => {
      const { show } = await import('./show.js');
      const entry = selectEntry(labs, target);
      const color = options.color !== false && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
      process.stdout.write((await show(entry, variant, { diff: options.diff, color, columns: process.stdout.columns })) + '\n');
    });

  program
    .command('serve')
    .description('start one variant with everything it needs and keep it up until Ctrl-C: its URL, endpoints, curl and autocannon lines')
    .argument('<lab>', 'a day (2) or a slug (event-loop)')
    .argument('[variant]', "one of the lab's variants (default: the first)")
    .addOption(new Option('--port <n>', 'listen on this port instead of a free one').argParser(positiveInteger('--port', { min: 1, max: 65535 })))
    .addOption(new Option('--host <address>', 'listen on this address instead of 127.0.0.1 (0.0.0.0 lets a workshop room in)'))
    .addOption(new Option('--set <name=value>', 'change a lab parameter (repeatable)').argParser(collectSetting))
    .action(async (target: string, variant: string | undefined, options: { port?: number; host?: string; set?: string[] }) => {
      const { serveCommand } = await import('./serve-command.js');
      const { loadLab } = await import('../lab/registry.js');
      const loaded = await loadLab(selectEntry(labs, target).folder);
      const live = Boolean(process.stderr.isTTY) && (process.stderr.columns ?? 0) > 0;
      process.exitCode = await serveCommand(loaded, variant, { ...options, live });
    });

  program
    .command('compare')
    .description('compare two saved results (devcap lab <lab> --json > file): per variant and metric, the ratio with its 95% interval')
    .argument('<a>', 'the first result, e.g. node20.json')
    .argument('<b>', 'the second result, e.g. node24.json')
    .option('--json', 'print the comparison as JSON')
    .action(async (a: string, b: string, options: { json?: boolean }) => {
      const { compareFiles, renderComparison } = await import('./compare.js');
      const comparisons = compareFiles(a, b);
      process.stdout.write((options.json ? JSON.stringify(comparisons, null, 2) : renderComparison(comparisons)) + '\n');
    });

  program
    .command('doctor')
    .description('is this machine fit to measure? cores, load, memory, open files, terminal, Redis, PostgreSQL; each with what to do')
    .option('--json', 'print the findings as JSON')
    .action(async (options: { json?: boolean }) => {
      const { diagnose, readMachine, renderFindings } = await import('./doctor.js');
      const findings = diagnose(readMachine());
      process.stdout.write((options.json ? JSON.stringify(findings, null, 2) : renderFindings(findings)) + '\n');
      if (findings.some((finding) => finding.health === 'fail')) process.exitCode = ExitCode.prerequisite;
    });

  program
    .command('schema')
    .description('print the JSON Schema of a lab result (what lab --json writes), for course repositories\' CI')
    .action(() => {
      process.stdout.write(readFileSync(new URL('../../../schema/lab-result.schema.json', import.meta.url), 'utf8'));
    });

  program
    .command('exercise')
    .description("write a lab's exercise: the server with the problem, the task on top, for you to fix (then devcap check)")
    .argument('<lab>', 'a day (2) or a slug (event-loop)')
    .argument('[dir]', 'the folder to write it to (default: this one)', '.')
    .option('--reset', 'overwrite the file if it is there: start the exercise again (your changes are lost)')
    .action(async (target: string, dir: string, options: { reset?: boolean }) => {
      const { readExercise, taskText, writeExercise } = await import('./exercise.js');
      const entry = selectEntry(labs, target);
      const written = await writeExercise(entry, labs, dir, Boolean(options.reset));
      const { relative } = await import('node:path');
      const shown = relative(process.cwd(), written) || written;
      const replaces = readExercise(entry, labs).replaces[0];
      process.stdout.write(`wrote ${shown}\n\n${taskText(entry)}\n\nWhen you think it is done: devcap check ${entry.day} ${shown}  (it runs in place of ${replaces}; --watch checks on every save)\n`);
    });

  program
    .command('check')
    .description("check your exercise file: the lab runs it in place of its own variant and judges it by the lab's claims (quick run)")
    .argument('<lab>', 'a day (2) or a slug (event-loop)')
    .argument('<file>', 'your file, TypeScript or JavaScript (no build step needed)')
    .option('--watch', 'check again every time the file is saved, until Ctrl-C')
    .option('--json', 'print the outcome as one JSON object on stdout (passed, the claims with their numbers, the hint, the lab result), nothing else')
    .option('--junit <file>', 'also write the outcome as JUnit XML (a test case per claim; not yet is a failure), for CI and GitHub Classroom')
    .option('--room <url>', "send the outcome and its result JSON (never your code) to an instructor's devcap room; needs --name")
    .option('--name <display name>', 'the name the room shows beside your check (at most 40 characters)')
    .option('--no-color', 'plain text output')
    .action(async (target: string, file: string, options: import('./exercise.js').CheckOptions) => {
      const { checkCommand, readExercise } = await import('./exercise.js');
      const { loadLab } = await import('../lab/registry.js');
      const entry = selectEntry(labs, target);
      readExercise(entry, labs);
      const loaded = await loadLab(entry.folder);
      process.exitCode = await checkCommand(loaded, entry, labs, file, options, VERSION);
    });

  program
    .command('progress')
    .description('what you have done: the labs you ran, the exercises that pass, your prediction score, and what comes next')
    .option('--json', 'print it as JSON')
    .action(async (options: { json?: boolean }) => {
      const { learnerFile, readState } = await import('./learner-state.js');
      const { hasExercise } = await import('./exercise.js');
      const { progressReport, renderProgress } = await import('./progress-command.js');
      const file = learnerFile();
      let state;
      try {
        state = readState(file, (line) => process.stderr.write(`devcap: ${line}\n`));
      } catch (error) {
        throw new DevcapError('DEVCAP_STATE_UNREADABLE', `cannot read ${file}: ${(error as Error).message}`, ExitCode.prerequisite);
      }
      const report = progressReport(state, labs, hasExercise, file);
      process.stdout.write((options.json ? JSON.stringify(report, null, 2) : renderProgress(report)) + '\n');
    });

  program
    .command('profile')
    .description("where a variant's time goes under the lab's load: the top functions by self time, and a .cpuprofile for Chrome DevTools or speedscope")
    .argument('<lab>', 'a day (2) or a slug (event-loop)')
    .argument('<variant>', "one of the lab's variants, e.g. pbkdf2-sync")
    .option('--out <dir>', 'write the profile into this folder (default: this one)')
    .addOption(new Option('--duration <sec>', 'seconds of load (default: the lab\'s, at least 5)').argParser(positiveInteger('--duration', { max: 600 })))
    .addOption(new Option('--connections <n>', 'load at this many connections instead of the lab\'s own').argParser(positiveInteger('--connections', { max: 1000 })))
    .addOption(new Option('--top <n>', 'how many functions to list (default 10)').argParser(positiveInteger('--top', { max: 200 })))
    .addOption(new Option('--set <name=value>', 'change a lab parameter (repeatable)').argParser(collectSetting))
    .option('--heap', 'a heap (allocation sampling) profile instead: .heapprofile and the top allocation sites')
    .option('--clinic <tool>', 'hand the variant and the load over to Clinic.js (doctor, flame, bubbleprof, heapprofiler) when clinic is on PATH')
    .option('--no-color', 'plain text output')
    .action(async (target: string, variant: string, options: import('./profile-command.js').ProfileOptions) => {
      const { profileCommand } = await import('./profile-command.js');
      const { loadLab } = await import('../lab/registry.js');
      const loaded = await loadLab(selectEntry(labs, target).folder);
      process.exitCode = await profileCommand(loaded, variant, options, VERSION);
    });

  program
    .command('room')
    .description("an instructor's room: a join line for learners (URL and code), a live page of the class's results per lab and claim, every result kept")
    .addOption(new Option('--port <n>', 'listen on this port (default 7420; 0 for a free one)').argParser(positiveInteger('--port', { min: 0, max: 65535 })))
    .addOption(new Option('--host <address>', 'listen on this address instead of 127.0.0.1 (0.0.0.0 lets a classroom network in)'))
    .addOption(new Option('--code <code>', 'the room code (4 to 32 letters and digits; default: the one kept from the last room, else a new one)'))
    .addOption(new Option('--rate <n>', 'results one address may send a minute (default 30)').argParser(positiveInteger('--rate', { max: 100000 })))
    .option('--export <file>', 'write every kept result to this file as JSON Lines (- for stdout) and exit, without serving')
    .action(async (options: import('./room-command.js').RoomCommandOptions) => {
      const { roomCommand } = await import('./room-command.js');
      process.exitCode = await roomCommand(options);
    });

  const lab = program
    .command('lab')
    .description('run a lab and print the measured comparison')
    .argument('<lab>', 'a day (2), a slug (event-loop) or "all"');
  for (const option of labOptions) lab.addOption(option);
  lab.action(async (target: string, options: LabCommandOptions) => {
    const { runLabCommand } = await import('./lab-command.js');
    const { loadLab } = await import('../lab/registry.js');
    const chosen = target === 'all' ? labs : [selectEntry(labs, target)];
    const loaded = await Promise.all(chosen.map((entry) => loadLab(entry.folder)));
    process.exitCode = await runLabCommand(loaded, target, options, VERSION);
  });

  for (const command of [program, ...program.commands]) command.exitOverride().configureOutput({ writeErr: () => {} });
  return program;
}

/** `2`, `02` or `event-loop`, among the manifest's entries. */
export function selectEntry(labs: LabManifestEntry[], target: string): LabManifestEntry {
  return findLab(labs, target, (entry) => entry);
}

function printError(error: unknown, debug: boolean): number {
  if (error instanceof DevcapError) {
    process.stderr.write(`devcap: ${error.code}: ${error.message}\n`);
    if (debug && error.detail) process.stderr.write(`what it printed:\n${error.detail}\n`);
    if (debug && error.stack) process.stderr.write(error.stack + '\n');
    return error.exitCode;
  }
  if (error instanceof CommanderError) {
    const message = error.message.replace(/^error: /, '');
    process.stderr.write(`devcap: DEVCAP_USAGE: ${message} (see devcap --help)\n`);
    return ExitCode.usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`devcap: DEVCAP_INTERNAL: ${message}${debug ? '' : ' (run with --debug for a stack trace)'}\n`);
  if (debug && error instanceof Error && error.stack) process.stderr.write(error.stack + '\n');
  return ExitCode.runFailed;
}

/**
 * A reader that went away (`devcap lab 1 | head -1`) is not an error: stop everything and
 * leave quietly, as a Unix tool does.
 */
function quitOnClosedStdout(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    void import('../harness/cleanup.js').then(({ releaseAll }) => releaseAll()).finally(() => process.exit(ExitCode.ok));
  });
}

export async function main(argv: string[]): Promise<void> {
  const debug = argv.includes('--debug');
  quitOnClosedStdout();
  try {
    const labs = await readManifest();
    const program = buildProgram(labs);
    if (argv.length <= 2) {
      program.outputHelp();
      return;
    }
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError && (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help')) {
      process.exitCode = 0;
      return;
    }
    // After Ctrl-C, a variant dying under load is the interrupt's doing, not a fault to
    // report; the interrupt handler prints one line and exits 130.
    const { wasInterrupted } = await import('../harness/cleanup.js');
    if (wasInterrupted()) return;
    process.exitCode = printError(error, debug);
  }
}
