import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { DevcapError, ExitCode } from '../errors.js';
import { readManifest, type LabManifestEntry } from '../lab/registry.js';
import { COMMANDS } from './commands.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function labTable(labs: LabManifestEntry[]): string {
  const width = Math.max(...labs.map((lab) => lab.slug.length));
  return labs.map((lab) => `  ${String(lab.day).padStart(2)}  ${lab.slug.padEnd(width)}  ${lab.title}`).join('\n');
}

const EXAMPLES =
  `Examples:\n  devcap lab 2                 run the event-loop lab\n` +
  `  devcap lab event-loop --quick --json\n  devcap lab all --quick       every lab, CI-sized\n` +
  `  devcap lab 1 --quick --html report.html\n                               also write a page with the tables, verdicts and charts\n` +
  `  devcap exercise 2            write lab 2's exercise; then devcap check 2 02-event-loop.ts\n` +
  `  devcap check 2 02-event-loop.ts --json\n                               the check's outcome as one JSON object\n` +
  `  devcap lab 2 --live          watch the run on a local page as it happens\n` +
  `  devcap room --host 0.0.0.0   gather a class's results; learners add --room <url> --name <name>\n` +
  `\nExit codes: 0 claims confirmed, 1 a claim contradicted (or inconclusive with --strict),\n` +
  `2 bad usage, 3 missing prerequisite, 4 the run itself failed,\n` +
  `130 / 143 / 129 stopped by SIGINT (Ctrl-C) / SIGTERM / SIGHUP after cleaning up.`;

/** The CLI knows the labs from the build's manifest; a lab's definition is imported only to run or show it. */
export function buildProgram(labs: LabManifestEntry[]): Command {
  const program = new Command('devcap')
    .description('Measured, honest labs that show how Node.js behaves under load.')
    .version(VERSION, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .addHelpText('after', `\nLabs:\n${labTable(labs)}\n\n${EXAMPLES}`);
  for (const add of COMMANDS) add(program, labs, VERSION);
  for (const command of [program, ...program.commands]) command.exitOverride().configureOutput({ writeErr: () => {} });
  return program;
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
