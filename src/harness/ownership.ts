/**
 * What a run owns, written down where the next run (and the watchdog) can find it: the
 * pids of its children with the command line each was started with, and its temp dirs.
 * A pid is only ever killed while its command line is still the one recorded, so a pid
 * the system has since given to another program is left alone.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { makeFolder, whyNot } from './folders.js';
import { procAvailable, psCommandLine } from './platform.js';

export interface OwnedProcess {
  pid: number;
  /** Command lines this process may show (spawn arguments; redis-server renames itself). */
  signatures: string[];
}

export interface RunRecord {
  pid: number;
  /** devcap's own command line: a live pid with another one is a different program. */
  signature: string;
  startedAt: string;
  processes: OwnedProcess[];
  tempDirs: string[];
}

/** `DEVCAP_STATE_DIR`, else `$XDG_STATE_HOME/devcap`, else `~/.local/state/devcap`. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DEVCAP_STATE_DIR) return resolve(env.DEVCAP_STATE_DIR);
  if (env.XDG_STATE_HOME) return join(resolve(env.XDG_STATE_HOME), 'devcap');
  return join(homedir(), '.local', 'state', 'devcap');
}

export function runsDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), 'runs');
}

/** Makes `sub` of the state directory (runs/, room/), or throws DEVCAP_BAD_STATE_DIR (exit 2). */
export function prepareStateDir(sub: string, env: NodeJS.ProcessEnv = process.env): void {
  const dir = join(stateDir(env), sub);
  try {
    makeFolder(dir, 0o700);
  } catch (error) {
    throw new UsageError('DEVCAP_BAD_STATE_DIR', `cannot keep devcap's state in ${stateDir(env)} (${whyNot(error, dir)}); set DEVCAP_STATE_DIR to a folder you can write`);
  }
}

/**
 * Before a command starts anything: makes the state directory (and its runs/), and makes
 * sure a run's temp dirs can be made. Either failing is bad input, said in one line now,
 * not a failure mid-run.
 */
export function prepareFolders(env: NodeJS.ProcessEnv = process.env): void {
  prepareStateDir('runs', env);
  try {
    rmSync(mkdtempSync(join(tmpdir(), 'devcap-')), { recursive: true });
  } catch (error) {
    throw new UsageError('DEVCAP_BAD_TMPDIR', `cannot make temp dirs in ${tmpdir()} (${whyNot(error, join(tmpdir(), 'devcap-'))}); set TMPDIR to a folder you can write`);
  }
}

/** The command line of a live process, its non-empty arguments joined by spaces; null when it is gone (or cannot be read: Windows). */
export function commandLine(pid: number): string | null {
  if (!procAvailable()) return psCommandLine(pid);
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Still the process we started: alive, and showing one of its recorded command lines.
 * Where no command line can be read (Windows has no /proc and no ps): `unreadable` says what to assume.
 */
export function isStillOurs(owned: OwnedProcess, unreadable = false): boolean {
  if (!alive(owned.pid)) return false;
  const line = commandLine(owned.pid);
  if (line === null) return unreadable;
  return owned.signatures.some((signature) => line === signature || line.startsWith(`${signature} `));
}

/** Only what devcap itself creates: `devcap-*` directly under the temp directory. */
export function isOurTempDir(dir: string): boolean {
  return dirname(resolve(dir)) === resolve(tmpdir()) && basename(dir).startsWith('devcap-');
}

/**
 * The System V shared memory segments that PostgreSQL servers which ran from this dir left
 * behind. A postmaster writes its segment's key and id on line 7 of `postmaster.pid` and
 * removes the segment on a clean shutdown; one killed outright (SIGKILL, or a watchdog
 * after devcap died) leaves it in the kernel after its data dir is gone. Looks in the dir
 * and its subdirs (a primary and a standby). A server whose dir is being removed is done
 * with, even if it has not quite exited (a zombie child, a SIGKILL a moment ago): the kernel
 * destroys a removed segment once its last process detaches, so it need not be dead yet.
 */
export function staleSegments(dir: string): number[] {
  const ids: number[] = [];
  let entries: string[];
  try {
    entries = ['.', ...readdirSync(dir)];
  } catch {
    return ids;
  }
  for (const entry of entries) {
    const file = join(dir, entry, 'postmaster.pid');
    if (!existsSync(file)) continue;
    try {
      const id = Number(readFileSync(file, 'utf8').split('\n')[6]?.trim().split(/\s+/)[1]);
      if (Number.isInteger(id) && id >= 0) ids.push(id);
    } catch {
      // unreadable: nothing to free
    }
  }
  return ids;
}

/** Removes one of our temp dirs, first freeing what its dead servers left in the kernel (staleSegments). */
export function removeTempDir(dir: string): void {
  for (const id of staleSegments(dir)) spawnSync('ipcrm', ['-m', String(id)], { stdio: 'ignore', timeout: 2000 });
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Kills what is still ours and removes the temp dirs; returns how many things it removed.
 * `immediate`: devcap died a moment ago (the watchdog), so a pid whose command line cannot
 * be read is still ours; a later sweep leaves such a pid alone, as it may have been reused.
 */
export function reap(processes: OwnedProcess[], tempDirs: string[], immediate = false): number {
  let removed = 0;
  for (const owned of processes) {
    if (!isStillOurs(owned, immediate)) continue;
    try {
      process.kill(owned.pid, 'SIGKILL');
      removed++;
    } catch {
      // gone meanwhile
    }
  }
  for (const dir of tempDirs) {
    if (!isOurTempDir(dir)) continue;
    try {
      removeTempDir(dir);
      removed++;
    } catch {
      // best effort
    }
  }
  return removed;
}

export function writeRecord(record: RunRecord, dir = runsDir()): string {
  makeFolder(dir, 0o700);
  const file = join(dir, `${record.pid}.json`);
  writeFileSync(`${file}.tmp`, JSON.stringify(record));
  renameSync(`${file}.tmp`, file);
  return file;
}

/**
 * What runs that died without cleaning up (SIGKILL, the OOM killer, a power cut) left:
 * kills and removes it, and deletes their records. A run still alive is left alone.
 */
export function sweep(dir = runsDir()): { runs: number; removed: number } {
  let entries: string[];
  try {
    entries = readdirSync(dir).filter((name) => name.endsWith('.json'));
  } catch {
    return { runs: 0, removed: 0 };
  }
  let runs = 0;
  let removed = 0;
  for (const name of entries) {
    const file = join(dir, name);
    let record: RunRecord;
    try {
      record = JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
    } catch {
      rmSync(file, { force: true });
      continue;
    }
    if (record.pid === process.pid) continue;
    if (isStillOurs({ pid: record.pid, signatures: [record.signature] })) continue;
    runs++;
    removed += reap(record.processes ?? [], record.tempDirs ?? []);
    rmSync(file, { force: true });
  }
  return { runs, removed };
}
