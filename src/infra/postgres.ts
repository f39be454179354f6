/**
 * PostgreSQL for the labs that need a real database server: a private primary and a hot
 * standby that streams its write-ahead log, both from the installed binaries (`initdb`,
 * `postgres`, `pg_basebackup`), on free loopback ports, in one temp dir devcap owns. Both
 * servers and the dir are owned like redis-server: released at the end, on Ctrl-C and on
 * errors, and by the watchdog when devcap is killed. PostgreSQL refuses to run as root, so
 * as root devcap runs them as the unprivileged `postgres` user, who then owns the dir.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, chownSync, constants, mkdtempSync, readdirSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { HarnessError } from '../errors.js';
import type { ProcessHost } from './host.js';
import { freePort } from '../lab/helpers.js';

/** The programs a pair needs; all must be in one directory. */
const PROGRAMS = ['initdb', 'postgres', 'pg_basebackup'] as const;
/** Debian and Ubuntu keep each major version here, off PATH. */
const DEBIAN_ROOT = '/usr/lib/postgresql';
/** As root, the servers run as this user (Debian's and PGDG's packages create it). */
const UNPRIVILEGED_USER = 'postgres';
const SUPERUSER = 'devcap';
const READY_TIMEOUT_MS = 20_000;

export const POSTGRES_HOW_TO =
  'install PostgreSQL (apt-get install postgresql; brew install postgresql@16; or the PGDG packages from postgresql.org/download) ' +
  'so devcap can start a private primary and standby, or point --postgres-bin (or DEVCAP_POSTGRES_BIN) at the directory holding initdb, postgres and pg_basebackup';

export type PostgresSource =
  | { kind: 'binaries'; dir: string; origin: '--postgres-bin' | 'DEVCAP_POSTGRES_BIN' | 'PATH' | string }
  | { kind: 'missing'; reason: string };

export interface RunningPostgres {
  /** Connection strings: `postgresql://devcap@127.0.0.1:PORT/postgres`. */
  primaryUrl: string;
  standbyUrl: string;
  /** Which servers, in words, for the report. */
  description: string;
  /** `PostgreSQL 15.8`: what `postgres --version` said. */
  version: string;
  release(): Promise<void>;
}

const hasPrograms = (dir: string): boolean =>
  PROGRAMS.every((program) => {
    try {
      accessSync(join(dir, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });

/** Debian's per-version directories, newest first. */
function debianDirs(root = DEBIAN_ROOT): string[] {
  try {
    return readdirSync(root)
      .filter((name) => /^\d+(\.\d+)?$/.test(name))
      .sort((a, b) => Number(b) - Number(a))
      .map((name) => join(root, name, 'bin'));
  } catch {
    return [];
  }
}

/**
 * Where PostgreSQL would come from, without starting anything: `--postgres-bin` (or else
 * `DEVCAP_POSTGRES_BIN`), else PATH, else Debian's /usr/lib/postgresql/<version>/bin.
 */
export function findPostgres(option?: string, env: NodeJS.ProcessEnv = process.env, debianRoot = DEBIAN_ROOT): PostgresSource {
  const named = option !== undefined ? { dir: option, origin: '--postgres-bin' as const } : env.DEVCAP_POSTGRES_BIN ? { dir: env.DEVCAP_POSTGRES_BIN, origin: 'DEVCAP_POSTGRES_BIN' as const } : undefined;
  if (named) {
    return hasPrograms(named.dir)
      ? { kind: 'binaries', ...named }
      : { kind: 'missing', reason: `${named.origin} names ${named.dir}, which does not hold ${PROGRAMS.join(', ')}` };
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) if (dir && hasPrograms(dir)) return { kind: 'binaries', dir, origin: 'PATH' };
  for (const dir of debianDirs(debianRoot)) if (hasPrograms(dir)) return { kind: 'binaries', dir, origin: debianRoot };
  return { kind: 'missing', reason: `no ${PROGRAMS.join(', ')} on PATH or in ${debianRoot}/<version>/bin` };
}

/** `PostgreSQL 15.8`, or null when the binary does not answer. */
export function postgresVersion(dir: string): string | null {
  const answer = spawnSync(join(dir, 'postgres'), ['--version'], { encoding: 'utf8', timeout: 5000 });
  const match = /\(PostgreSQL\)\s+(\S+)/.exec(answer.stdout ?? '');
  return match ? `PostgreSQL ${match[1]}` : null;
}

export function describePostgres(source: PostgresSource): string {
  if (source.kind === 'missing') return `not found (${source.reason}): apt-get install postgresql, brew install postgresql@16, or --postgres-bin`;
  const version = postgresVersion(source.dir);
  return `found: ${version ?? 'PostgreSQL (version unknown)'} in ${source.dir} (${source.origin}), a private primary and standby started for each run`;
}

/** The user the servers run as: ourselves, or `postgres` when we are root. */
function serverIdentity(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const uid = spawnSync('id', ['-u', UNPRIVILEGED_USER], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', UNPRIVILEGED_USER], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) {
    throw new HarnessError(
      'DEVCAP_POSTGRES_START_FAILED',
      `PostgreSQL refuses to run as root, and there is no "${UNPRIVILEGED_USER}" user to run it as: run devcap as a normal user, or create one (useradd --system ${UNPRIVILEGED_USER})`,
    );
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Runs one of the programs to completion (initdb, pg_basebackup); rejects with its last lines. */
function runProgram(path: string, args: string[], options: { cwd: string; identity?: { uid: number; gid: number }; host: ProcessHost }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: serverEnv(), ...options.identity });
    const release = options.host.own(child, path.split('/').pop()!);
    let output = '';
    const keep = (text: string) => (output = (output + text).slice(-4000));
    child.stdout!.setEncoding('utf8').on('data', keep);
    child.stderr!.setEncoding('utf8').on('data', keep);
    child.once('error', (error) => void release().finally(() => reject(error)));
    child.once('exit', (code, signal) => {
      void release().finally(() => {
        if (code === 0) resolve();
        else reject(new Error(`${path} ${args[0] ?? ''} exited (${code ?? signal}): ${lastLine(output)}`));
      });
    });
  });
}

const lastLine = (text: string) => text.trim().split('\n').filter(Boolean).slice(-2).join(' / ');

/** No PG* variables from the shell (PGHOST, PGPORT, PGDATA would point the programs elsewhere). */
function serverEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C' };
  return env;
}

interface Server {
  child: ChildProcess;
  port: number;
  output: () => string;
  release: () => Promise<void>;
}

/** Starts `postgres -D dataDir` on `port`; resolves once it accepts a query. */
async function startServer(binDir: string, dataDir: string, port: number, socketDir: string, name: string, host: ProcessHost, identity?: { uid: number; gid: number }): Promise<Server> {
  const binary = join(binDir, 'postgres');
  const args = ['-D', dataDir, '-p', String(port), '-k', socketDir];
  const child = spawn(binary, args, { cwd: socketDir, stdio: ['ignore', 'pipe', 'pipe'], env: serverEnv(), ...identity });
  const owned = host.own(child, `${name} :${port}`);
  let output = '';
  const keep = (text: string) => (output = (output + text).slice(-8000));
  child.stdout!.setEncoding('utf8').on('data', keep);
  child.stderr!.setEncoding('utf8').on('data', keep);
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  // SIGINT is PostgreSQL's fast shutdown: it ends the sessions and stops at once (SIGTERM, a
  // smart shutdown, would wait for every client to leave). The owner's SIGTERM and SIGKILL follow if it does not.
  const release = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGINT');
      });
    }
    await owned();
  };
  const server: Server = { child, port, output: () => output, release };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  try {
    for (;;) {
      if (spawnError) throw spawnError;
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}): ${lastLine(output)}`);
      try {
        await query(urlFor(port), 'SELECT 1');
        return server;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`${name} did not accept connections on port ${port} within ${READY_TIMEOUT_MS / 1000} s: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  } catch (error) {
    await release();
    throw error;
  }
}

const urlFor = (port: number) => `postgresql://${SUPERUSER}@127.0.0.1:${port}/postgres`;

/** One statement on a connection of its own (the `pg` client is loaded only when a run needs PostgreSQL). */
export async function query<Row = Record<string, unknown>>(url: string, text: string, values: unknown[] = []): Promise<Row[]> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.query(text, values)).rows as Row[];
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * A primary and a hot standby streaming from it. Settings fit a lab, not production:
 * fsync off (a crash loses the dir, which is thrown away anyway), small shared buffers.
 */
export async function startPostgres(source: Extract<PostgresSource, { kind: 'binaries' }>, host: ProcessHost): Promise<RunningPostgres> {
  const version = postgresVersion(source.dir) ?? 'PostgreSQL';
  const identity = serverIdentity();
  const dir = mkdtempSync(join(tmpdir(), 'devcap-postgres-'));
  const releaseDir = host.ownDir(dir);
  if (identity) chownSync(dir, identity.uid, identity.gid);
  const servers: Server[] = [];
  const release = async () => {
    for (const server of servers.reverse()) await server.release();
    await releaseDir();
  };
  try {
    const primaryDir = join(dir, 'primary');
    const standbyDir = join(dir, 'standby');
    await runProgram(join(source.dir, 'initdb'), ['-D', primaryDir, '-U', SUPERUSER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions'], { cwd: dir, identity, host });
    appendFileSync(
      primaryDir + '/postgresql.conf',
      [
        '',
        '# devcap: a private lab pair on loopback',
        "listen_addresses = '127.0.0.1'",
        'fsync = off',
        'synchronous_commit = on',
        'full_page_writes = off',
        'wal_level = replica',
        'max_wal_senders = 4',
        'hot_standby = on',
        'hot_standby_feedback = on',
        'shared_buffers = 32MB',
        'max_connections = 60',
        // In the data dir, not /dev/shm: a server killed outright leaves nothing behind outside the dir.
        'dynamic_shared_memory_type = mmap',
        'wal_receiver_status_interval = 1s',
        "log_min_messages = 'warning'",
        '',
      ].join('\n'),
    );
    const primaryPort = await freePort();
    servers.push(await startServer(source.dir, primaryDir, primaryPort, dir, 'postgres primary', host, identity));
    await runProgram(
      join(source.dir, 'pg_basebackup'),
      ['-D', standbyDir, '-h', '127.0.0.1', '-p', String(primaryPort), '-U', SUPERUSER, '-R', '-X', 'stream', '-c', 'fast', '--no-sync'],
      { cwd: dir, identity, host },
    );
    const standbyPort = await freePort();
    servers.push(await startServer(source.dir, standbyDir, standbyPort, dir, 'postgres standby', host, identity));
    await waitForStreaming(urlFor(primaryPort));
    return {
      primaryUrl: urlFor(primaryPort),
      standbyUrl: urlFor(standbyPort),
      version,
      description: `${version}: primary on port ${primaryPort}, hot standby streaming from it on port ${standbyPort}, started for this run${identity ? ` as user ${UNPRIVILEGED_USER}` : ''}`,
      release,
    };
  } catch (error) {
    await release();
    if (error instanceof HarnessError) throw error;
    throw new HarnessError('DEVCAP_POSTGRES_START_FAILED', `could not start PostgreSQL from ${source.dir}: ${(error as Error).message}`);
  }
}

/** Until the primary's pg_stat_replication shows a standby in state `streaming`. */
async function waitForStreaming(primaryUrl: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const rows = await query<{ state: string }>(primaryUrl, 'SELECT state FROM pg_stat_replication');
    if (rows.some((row) => row.state === 'streaming')) return;
    if (Date.now() > deadline) throw new Error(`the standby is not streaming after ${READY_TIMEOUT_MS / 1000} s (pg_stat_replication: ${JSON.stringify(rows)})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
