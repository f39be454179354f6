import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DevcapError, ExitCode } from '../errors.js';
import { findLab, type LabManifestEntry } from '../lab/registry.js';
import type { CheckOptions } from './exercise.js';
import type { LabCommandOptions } from './lab-command.js';
import { addOptions, checkOptions, exerciseOptions, jsonOption, labOptions, profileOptions, roomOptions, serveOptions, showOptions, type ShowFlags } from './options.js';
import type { ProfileOptions } from './profile-command.js';
import type { RoomCommandOptions } from './room-command.js';
import type { ServeFlags } from './serve-command.js';

// Each command: its arguments, its table of flags (options.ts), and an action that imports
// the command's module only when it runs, so `--help` loads none of them.

const LAB = 'a day (2) or a slug (event-loop)';

/** `2`, `02` or `event-loop`, among the manifest's entries. */
export function selectEntry(labs: LabManifestEntry[], target: string): LabManifestEntry {
  return findLab(labs, target, (entry) => entry);
}

async function loadEntry(labs: LabManifestEntry[], target: string) {
  const { loadLab } = await import('../lab/registry.js');
  return loadLab(selectEntry(labs, target).folder);
}

type AddCommand = (program: Command, labs: LabManifestEntry[], version: string) => void;

const list: AddCommand = (program, labs) => {
  addOptions(program.command('list').description('list the labs: day, slug, title, variants, claims and what each needs'), jsonOption('print the list as JSON')).action(
    async (options: { json?: boolean }) => {
      const { listLabs } = await import('./list.js');
      process.stdout.write(listLabs(labs, Boolean(options.json)) + '\n');
    },
  );
};

const show: AddCommand = (program, labs) => {
  const command = program
    .command('show')
    .description("read a lab in the terminal: its README, a variant's or a control's source, or the diff of two")
    .argument('<lab>', LAB)
    .argument('[variant]', 'a variant or control (controls/<name>) to print instead of the README');
  addOptions(command, showOptions).action(async (target: string, variant: string | undefined, options: ShowFlags) => {
    const { show } = await import('./show.js');
    const entry = selectEntry(labs, target);
    const color = options.color !== false && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
    process.stdout.write((await show(entry, variant, { diff: options.diff, color, columns: process.stdout.columns })) + '\n');
  });
};

const serve: AddCommand = (program, labs) => {
  const command = program
    .command('serve')
    .description('start one variant with everything it needs and keep it up until Ctrl-C: its URL, endpoints, curl and autocannon lines')
    .argument('<lab>', LAB)
    .argument('[variant]', "one of the lab's variants (default: the first)");
  addOptions(command, serveOptions).action(async (target: string, variant: string | undefined, options: ServeFlags) => {
    const { serveCommand } = await import('./serve-command.js');
    const loaded = await loadEntry(labs, target);
    const live = Boolean(process.stderr.isTTY) && (process.stderr.columns ?? 0) > 0;
    process.exitCode = await serveCommand(loaded, variant, { ...options, live });
  });
};

const compare: AddCommand = (program) => {
  const command = program
    .command('compare')
    .description('compare two saved results (devcap lab <lab> --json > file): per variant and metric, the ratio with its 95% interval')
    .argument('<a>', 'the first result, e.g. node20.json')
    .argument('<b>', 'the second result, e.g. node24.json');
  addOptions(command, jsonOption('print the comparison as JSON')).action(async (a: string, b: string, options: { json?: boolean }) => {
    const { compareFiles, renderComparison } = await import('./compare.js');
    const comparisons = compareFiles(a, b);
    process.stdout.write((options.json ? JSON.stringify(comparisons, null, 2) : renderComparison(comparisons)) + '\n');
  });
};

const doctor: AddCommand = (program) => {
  const command = program
    .command('doctor')
    .description('is this machine fit to measure? cores, load, memory, open files, terminal, Redis, PostgreSQL; each with what to do');
  addOptions(command, jsonOption('print the findings as JSON')).action(async (options: { json?: boolean }) => {
    const { diagnose, readMachine, renderFindings } = await import('./doctor.js');
    const findings = diagnose(readMachine());
    process.stdout.write((options.json ? JSON.stringify(findings, null, 2) : renderFindings(findings)) + '\n');
    if (findings.some((finding) => finding.health === 'fail')) process.exitCode = ExitCode.prerequisite;
  });
};

const schema: AddCommand = (program) => {
  program
    .command('schema')
    .description("print the JSON Schema of a lab result (what lab --json writes), for course repositories' CI")
    .action(() => {
      process.stdout.write(readFileSync(new URL('../../../schema/lab-result.schema.json', import.meta.url), 'utf8'));
    });
};

const exercise: AddCommand = (program, labs) => {
  const command = program
    .command('exercise')
    .description("write a lab's exercise: the server with the problem, the task on top, for you to fix (then devcap check)")
    .argument('<lab>', LAB)
    .argument('[dir]', 'the folder to write it to (default: this one)', '.');
  addOptions(command, exerciseOptions).action(async (target: string, dir: string, options: { reset?: boolean }) => {
    const { readExercise, taskText, writeExercise } = await import('./exercise.js');
    const entry = selectEntry(labs, target);
    const written = await writeExercise(entry, labs, dir, Boolean(options.reset));
    const { relative } = await import('node:path');
    const shown = relative(process.cwd(), written) || written;
    const replaces = readExercise(entry, labs).replaces[0];
    process.stdout.write(`wrote ${shown}\n\n${taskText(entry)}\n\nWhen you think it is done: devcap check ${entry.day} ${shown}  (it runs in place of ${replaces}; --watch checks on every save)\n`);
  });
};

const check: AddCommand = (program, labs, version) => {
  const command = program
    .command('check')
    .description("check your exercise file: the lab runs it in place of its own variant and judges it by the lab's claims (quick run)")
    .argument('<lab>', LAB)
    .argument('<file>', 'your file, TypeScript or JavaScript (no build step needed)');
  addOptions(command, checkOptions).action(async (target: string, file: string, options: CheckOptions) => {
    const { checkCommand, readExercise } = await import('./exercise.js');
    const entry = selectEntry(labs, target);
    readExercise(entry, labs);
    const loaded = await loadEntry(labs, target);
    process.exitCode = await checkCommand(loaded, entry, labs, file, options, version);
  });
};

const progress: AddCommand = (program, labs) => {
  const command = program
    .command('progress')
    .description('what you have done: the labs you ran, the exercises that pass, your prediction score, and what comes next');
  addOptions(command, jsonOption('print it as JSON')).action(async (options: { json?: boolean }) => {
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
};

const profile: AddCommand = (program, labs, version) => {
  const command = program
    .command('profile')
    .description("where a variant's time goes under the lab's load: the top functions by self time, and a .cpuprofile for Chrome DevTools or speedscope")
    .argument('<lab>', LAB)
    .argument('<variant>', "one of the lab's variants, e.g. pbkdf2-sync");
  addOptions(command, profileOptions).action(async (target: string, variant: string, options: ProfileOptions) => {
    const { profileCommand } = await import('./profile-command.js');
    process.exitCode = await profileCommand(await loadEntry(labs, target), variant, options, version);
  });
};

const room: AddCommand = (program) => {
  const command = program
    .command('room')
    .description("an instructor's room: a join line for learners (URL and code), a live page of the class's results per lab and claim, every result kept");
  addOptions(command, roomOptions).action(async (options: RoomCommandOptions) => {
    const { roomCommand } = await import('./room-command.js');
    process.exitCode = await roomCommand(options);
  });
};

const lab: AddCommand = (program, labs, version) => {
  const command = program.command('lab').description('run a lab and print the measured comparison').argument('<lab>', 'a day (2), a slug (event-loop) or "all"');
  addOptions(command, labOptions).action(async (target: string, options: LabCommandOptions) => {
    const { runLabCommand } = await import('./lab-command.js');
    const { loadLab } = await import('../lab/registry.js');
    const chosen = target === 'all' ? labs : [selectEntry(labs, target)];
    const loaded = await Promise.all(chosen.map((entry) => loadLab(entry.folder)));
    process.exitCode = await runLabCommand(loaded, target, options, version);
  });
};

/** The commands in the order the help lists them. */
export const COMMANDS: AddCommand[] = [list, show, serve, compare, doctor, schema, exercise, check, progress, profile, room, lab];
