import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { DevcapError, ExitCode } from '../errors.js';
import { loadAllLabs, type LoadedLab } from '../lab/registry.js';
import { claimList, collectSetting, collectSubstitute, positiveInteger } from './parse.js';

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
  out?: string;
  json?: boolean;
  markdown?: boolean;
  strict?: boolean;
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
  new Option('--rounds <n>', 'rounds per variant (an interval needs at least 2)').argParser(positiveInteger('--rounds', { min: 2, max: 50 })),
  new Option('--set <name=value>', 'change a lab parameter (repeatable), e.g. --set iterations=120000').argParser(collectSetting),
  new Option('--variant <name=file>', 'run your own JavaScript file in place of a variant (repeatable), e.g. --variant pbkdf2-sync=./mine.js').argParser(
    collectSubstitute,
  ),
  new Option('--claims <ids>', 'judge only these claims (comma-separated ids; devcap list shows them) and run only what they need').argParser(claimList),
  new Option('--redis-url <url>', 'use this Redis instead of a private redis-server (also DEVCAP_REDIS_URL; REDIS_URL is ignored); loopback only unless --allow-remote'),
  new Option('--allow-remote', 'let --redis-url / DEVCAP_REDIS_URL name a Redis on another machine'),
  new Option('--out <file>', 'also write each lab\'s result to this file as it ends (JSON Lines: one result per line)'),
  new Option('--json', 'print the result as JSON on stdout, nothing else').conflicts('markdown'),
  new Option('--markdown', 'print the result as Markdown (for course notes and CI summaries)'),
  new Option('--strict', 'exit 1 when a claim is inconclusive, not only when contradicted'),
  new Option('--no-color', 'plain text output'),
  new Option('--debug', 'print stack traces for errors'),
];

function labTable(labs: LoadedLab[]): string {
  const width = Math.max(...labs.map(({ lab }) => lab.slug.length));
  return labs
    .map(({ lab }) => `  ${String(lab.day).padStart(2)}  ${lab.slug.padEnd(width)}  ${lab.title}`)
    .join('\n');
}

export function buildProgram(labs: LoadedLab[]): Command {
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
        `\nExit codes: 0 claims confirmed, 1 a claim contradicted (or inconclusive with --strict),\n` +
        `2 bad usage, 3 missing prerequisite, 4 the run itself failed,\n` +
        `130 / 143 / 129 stopped by SIGINT (Ctrl-C) / SIGTERM / SIGHUP after cleaning up.`,
    );

  program
    .command('list')
    .description('list the labs: day, slug, title, variants and what each needs')
    .option('--json', 'print the list as JSON')
    .action(async (options: { json?: boolean }) => {
      const { listLabs } = await import('./list.js');
      process.stdout.write(listLabs(labs, Boolean(options.json)) + '\n');
    });

  const lab = program
    .command('lab')
    .description('run a lab and print the measured comparison')
    .argument('<lab>', 'a day (2), a slug (event-loop) or "all"');
  for (const option of labOptions) lab.addOption(option);
  lab.action(async (target: string, options: LabCommandOptions) => {
    const { runLabCommand } = await import('./lab-command.js');
    process.exitCode = await runLabCommand(labs, target, options, VERSION);
  });

  for (const command of [program, ...program.commands]) command.exitOverride().configureOutput({ writeErr: () => {} });
  return program;
}

function printError(error: unknown, debug: boolean): number {
  if (error instanceof DevcapError) {
    process.stderr.write(`devcap: ${error.code}: ${error.message}\n`);
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
    const labs = await loadAllLabs();
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
