import { Option, type Command } from 'commander';
import { ROUNDS } from '../harness/rounds.js';
import type { CheckOptions } from './exercise.js';
import type { LabCommandOptions } from './lab-command.js';
import { claimList, collectSetting, collectSubstitute, pair, positiveInteger } from './parse.js';
import type { ProfileOptions } from './profile-command.js';
import type { RoomCommandOptions } from './room-command.js';
import type { ServeFlags } from './serve-command.js';

/** `redisUrl` → `redis-url`: the flag commander reads into that field. */
type Kebab<S extends string> = S extends `${infer Head}${infer Tail}` ? `${Head extends Lowercase<Head> ? Head : `-${Lowercase<Head>}`}${Kebab<Tail>}` : S;

/**
 * One flag of the field `K` (of type `T`), as commander declares it: a boolean field is a
 * switch (`--json`, or `--no-color` for one that defaults to true), any other takes a value
 * (`--duration <sec>`), and one whose value is not a plain string needs the parser that makes it.
 */
export type OptionConfig<K extends string, T> = { description: string } & (NonNullable<T> extends boolean
  ? { flags: `--${Kebab<K>}` | `--no-${Kebab<K>}`; parse?: never }
  : { flags: `--${Kebab<K>} <${string}>` } & (NonNullable<T> extends string
      ? { parse?: (raw: string) => string }
      : { parse: (raw: string, previous?: NonNullable<T>) => NonNullable<T> }));

/**
 * A command's flags as data, typed against the options its action receives (as Vitest's
 * `cliOptionsConfig`): a field without a flag, a flag without a field, or a flag whose name
 * or value does not fit its field does not compile. The order of the keys is the order of the help.
 */
export type OptionsConfig<O> = {
  [K in keyof O & string]-?: OptionConfig<K, O[K]> & { conflicts?: Exclude<keyof O & string, K> };
};

/** Adds a table's flags to a command, in the table's order. */
export function addOptions<O>(command: Command, table: OptionsConfig<O>): Command {
  const configs = Object.values(table) as Array<{ flags: string; description: string; parse?: (raw: string, previous: unknown) => unknown; conflicts?: string }>;
  for (const config of configs) {
    const option = new Option(config.flags, config.description);
    if (config.parse) option.argParser(config.parse);
    if (config.conflicts) option.conflicts(config.conflicts);
    command.addOption(option);
  }
  return command;
}

// The flags several commands share, declared once.

const set: OptionConfig<'set', string[] | undefined> = { flags: '--set <name=value>', description: 'change a lab parameter (repeatable)', parse: collectSetting };
const color: OptionConfig<'color', boolean> = { flags: '--no-color', description: 'plain text output' };
const connections: OptionConfig<'connections', number | undefined> = {
  flags: '--connections <n>',
  description: "load at this many connections instead of the lab's own",
  parse: positiveInteger('--connections', { max: 1000 }),
};
const durationSeconds = positiveInteger('--duration', { max: 600 });
const listenHost = (where: string): OptionConfig<'host', string | undefined> => ({
  flags: '--host <address>',
  description: `listen on this address instead of 127.0.0.1 (0.0.0.0 lets ${where} in)`,
});
/** `--json` of a command that prints one thing: what it prints. */
export const jsonOption = (description: string): OptionsConfig<{ json?: boolean }> => ({ json: { flags: '--json', description } });

export const labOptions: OptionsConfig<LabCommandOptions> = {
  quick: { flags: '--quick', description: 'CI-sized run: shorter loads, every claim still evaluated' },
  duration: { flags: '--duration <sec>', description: 'measured seconds per run, whole seconds', parse: durationSeconds },
  connections,
  rounds: {
    flags: '--rounds <n>',
    description: `exactly n rounds per variant, ${ROUNDS.min} to ${ROUNDS.max}, judged once (without it a run stops once every claim is decided)`,
    parse: positiveInteger('--rounds', ROUNDS),
  },
  set: { ...set, description: `${set.description}, e.g. --set iterations=120000` },
  variant: {
    flags: '--variant <name=file>',
    description: 'run your own JavaScript file in place of a variant (repeatable), e.g. --variant pbkdf2-sync=./mine.js',
    parse: collectSubstitute,
  },
  claims: { flags: '--claims <ids>', description: 'judge only these claims (comma-separated ids; devcap list shows them) and run only what they need', parse: claimList },
  redisUrl: {
    flags: '--redis-url <url>',
    description: 'use this Redis instead of a private redis-server (also DEVCAP_REDIS_URL; REDIS_URL is ignored); loopback only unless --allow-remote',
  },
  allowRemote: { flags: '--allow-remote', description: 'let --redis-url / DEVCAP_REDIS_URL name a Redis on another machine' },
  postgresBin: {
    flags: '--postgres-bin <dir>',
    description:
      'the PostgreSQL to run a private primary and standby from: the directory of initdb, postgres and pg_basebackup (also DEVCAP_POSTGRES_BIN; else PATH, then /usr/lib/postgresql/<version>/bin)',
  },
  out: { flags: '--out <file>', description: "also write each lab's result to this file as it ends (JSON Lines: one result per line)" },
  html: { flags: '--html <file>', description: 'also write a self-contained HTML page (tables, verdicts, charts; no network) to this file when the run ends' },
  junit: { flags: '--junit <file>', description: 'also write JUnit XML (a test case per claim) to this file when the run ends, for CI dashboards and GitHub Classroom' },
  live: {
    flags: '--live',
    description: "show the run as it happens on a local page (127.0.0.1, the URL printed): the plan, every run, each claim's interval narrowing, the verdicts, then the --html page",
  },
  livePort: { flags: '--live-port <n>', description: 'serve the --live page on this port instead of a free one', parse: positiveInteger('--live-port', { min: 1, max: 65535 }) },
  room: { flags: '--room <url>', description: "send the result (the JSON, nothing else) to an instructor's devcap room: the URL its join line printed; needs --name" },
  name: { flags: '--name <display name>', description: 'the name the room shows beside your result (at most 40 characters)' },
  json: { flags: '--json', description: 'print the result as JSON on stdout, nothing else', conflicts: 'markdown' },
  markdown: { flags: '--markdown', description: 'print the result as Markdown (for course notes and CI summaries)' },
  strict: { flags: '--strict', description: 'exit 1 when a claim is inconclusive, not only when contradicted' },
  predict: {
    flags: '--predict',
    description: "before measuring, guess each claim's outcome (multiple choice, in a terminal); then see your guesses beside the measurements",
  },
  color,
  debug: { flags: '--debug', description: 'print stack traces for errors' },
};

export const checkOptions: OptionsConfig<CheckOptions> = {
  watch: { flags: '--watch', description: 'check again every time the file is saved, until Ctrl-C' },
  json: {
    flags: '--json',
    description: 'print the outcome as one JSON object on stdout (passed, the claims with their numbers, the hint, the lab result), nothing else',
  },
  junit: {
    flags: '--junit <file>',
    description: 'also write the outcome as JUnit XML (a test case per claim; not yet is a failure), for CI and GitHub Classroom',
  },
  room: { flags: '--room <url>', description: "send the outcome and its result JSON (never your code) to an instructor's devcap room; needs --name" },
  name: { flags: '--name <display name>', description: 'the name the room shows beside your check (at most 40 characters)' },
  color,
};

export const profileOptions: OptionsConfig<ProfileOptions> = {
  out: { flags: '--out <dir>', description: 'write the profile into this folder (default: this one)' },
  duration: { flags: '--duration <sec>', description: "seconds of load (default: the lab's, at least 5)", parse: durationSeconds },
  connections,
  top: { flags: '--top <n>', description: 'how many functions to list (default 10)', parse: positiveInteger('--top', { max: 200 }) },
  set,
  heap: { flags: '--heap', description: 'a heap (allocation sampling) profile instead: .heapprofile and the top allocation sites' },
  clinic: { flags: '--clinic <tool>', description: 'hand the variant and the load over to Clinic.js (doctor, flame, bubbleprof, heapprofiler) when clinic is on PATH' },
  color,
};

export const serveOptions: OptionsConfig<ServeFlags> = {
  port: { flags: '--port <n>', description: 'listen on this port instead of a free one', parse: positiveInteger('--port', { min: 1, max: 65535 }) },
  host: listenHost('a workshop room'),
  set,
};

export const roomOptions: OptionsConfig<RoomCommandOptions> = {
  port: { flags: '--port <n>', description: 'listen on this port (default 7420; 0 for a free one)', parse: positiveInteger('--port', { min: 0, max: 65535 }) },
  host: listenHost('a classroom network'),
  code: { flags: '--code <code>', description: 'the room code (4 to 32 letters and digits; default: the one kept from the last room, else a new one)' },
  rate: { flags: '--rate <n>', description: 'results one address may send a minute (default 30)', parse: positiveInteger('--rate', { max: 100000 }) },
  export: { flags: '--export <file>', description: 'write every kept result to this file as JSON Lines (- for stdout) and exit, without serving' },
};

export interface ShowFlags {
  diff?: [string, string];
  color: boolean;
}

export const showOptions: OptionsConfig<ShowFlags> = {
  diff: { flags: '--diff <a,b>', description: 'the lines that differ between two variants or controls, e.g. --diff pbkdf2-sync,pbkdf2-async', parse: pair },
  color,
};

export const exerciseOptions: OptionsConfig<{ reset?: boolean }> = {
  reset: { flags: '--reset', description: 'overwrite the file if it is there: start the exercise again (your changes are lost)' },
};
