import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isOurTempDir, prepareFolders, removeTempDir, runsDir, stateDir, sweep, writeRecord } from './ownership.js';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
});

function sleeper(tag: string): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', tag], { stdio: 'ignore' });
  started.push(child);
  return child;
}

function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null && existsSync(`/proc/${child.pid}`);
}

/** The pid of a process that has already exited: a run that was killed. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

describe.skipIf(process.platform !== 'linux')('sweep', () => {
  it('kills what a dead run still owns, removes its temp dirs and record, and spares a reused pid and a live run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'devcap-state-test-'));
    try {
      const ours = sleeper('devcap-owned');
      const stranger = sleeper('someone-else');
      const leftover = mkdtempSync(join(tmpdir(), 'devcap-leftover-'));
      const notOurs = mkdtempSync(join(tmpdir(), 'other-'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      writeRecord(
        {
          pid: deadPid(),
          signature: 'node bin/devcap.js lab 12',
          startedAt: new Date().toISOString(),
          processes: [
            { pid: ours.pid!, signatures: [ours.spawnargs.join(' ')] },
            // the pid now runs another program: not ours any more
            { pid: stranger.pid!, signatures: [`${process.execPath} server.js`] },
          ],
          tempDirs: [leftover, notOurs],
        },
        dir,
      );
      // a run that is still going (this very test process) is left alone
      writeRecord({ pid: process.ppid, signature: spawnSync('cat', [`/proc/${process.ppid}/cmdline`], { encoding: 'utf8' }).stdout.split('\0').filter(Boolean).join(' '), startedAt: '', processes: [{ pid: stranger.pid!, signatures: [stranger.spawnargs.join(' ')] }], tempDirs: [] }, dir);

      const result = sweep(dir);
      expect(result).toEqual({ runs: 1, removed: 2 });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(alive(ours)).toBe(false);
      expect(alive(stranger)).toBe(true);
      expect(existsSync(leftover)).toBe(false);
      expect(existsSync(notOurs)).toBe(true);
      rmSync(notOurs, { recursive: true });
      expect(readdirSync(dir)).toEqual([`${process.ppid}.json`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a missing state directory is nothing to sweep', () => {
    expect(sweep(join(tmpdir(), 'devcap-no-such-state-dir'))).toEqual({ runs: 0, removed: 0 });
  });
});

describe('state directory', () => {
  it('DEVCAP_STATE_DIR, then XDG_STATE_HOME/devcap, then ~/.local/state/devcap', () => {
    expect(stateDir({ DEVCAP_STATE_DIR: '/x/y', XDG_STATE_HOME: '/s' })).toBe('/x/y');
    expect(stateDir({ XDG_STATE_HOME: '/s' })).toBe('/s/devcap');
    expect(stateDir({})).toMatch(/\/\.local\/state\/devcap$/);
  });

  it('is made (with runs/) before anything starts; one that cannot be made is DEVCAP_BAD_STATE_DIR, exit 2, at once', () => {
    const base = mkdtempSync(join(tmpdir(), 'devcap-state-test-'));
    try {
      prepareFolders({ DEVCAP_STATE_DIR: join(base, 'a', 'b') });
      expect(existsSync(runsDir({ DEVCAP_STATE_DIR: join(base, 'a', 'b') }))).toBe(true);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
    if (process.platform !== 'linux') return;
    expect(() => prepareFolders({ DEVCAP_STATE_DIR: '/proc/nope/state' })).toThrow(
      expect.objectContaining({ code: 'DEVCAP_BAD_STATE_DIR', exitCode: 2, message: "cannot keep devcap's state in /proc/nope/state (no such directory: /proc); set DEVCAP_STATE_DIR to a folder you can write" }),
    );
  });

  it('only devcap-* directly under the temp dir counts as ours', () => {
    expect(isOurTempDir(join(tmpdir(), 'devcap-streams-abc'))).toBe(true);
    expect(isOurTempDir(join(tmpdir(), 'x', 'devcap-streams-abc'))).toBe(false);
    expect(isOurTempDir('/home/me/devcap-x')).toBe(false);
  });
});

/** A real System V segment (util-linux's ipcmk), as a PostgreSQL 15 postmaster makes one. */
function segment(): number {
  const out = spawnSync('ipcmk', ['-M', '56'], { encoding: 'utf8' }).stdout;
  return Number(/(\d+)\s*$/.exec(out.trim())?.[1]);
}
// `ipcs -m -i ID` exits 0 for an id that does not exist: read the table instead.
const segmentExists = (id: number) => spawnSync('ipcs', ['-m'], { encoding: 'utf8' }).stdout.split('\n').some((line) => line.trim().split(/\s+/)[1] === String(id));
/** postmaster.pid as PostgreSQL writes it: line 1 the pid, line 7 "key id" of its segment. */
function postmasterPid(dir: string, pid: number, id: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'postmaster.pid'), [pid, dir, '1764750000', '5432', '/tmp', '127.0.0.1', `  2156803 ${String(id).padStart(9)}`, 'ready   ', ''].join('\n'));
}

describe.skipIf(process.platform !== 'linux' || spawnSync('ipcmk', ['-V']).status !== 0)('removeTempDir', () => {
  it('frees the shared memory the PostgreSQL servers of a removed dir left, and no other segment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'devcap-postgres-test-'));
    const other = mkdtempSync(join(tmpdir(), 'devcap-postgres-other-'));
    const [killed, exiting, elsewhere] = [segment(), segment(), segment()];
    try {
      expect([killed, exiting, elsewhere].every(segmentExists)).toBe(true);
      postmasterPid(join(dir, 'primary'), deadPid(), killed);
      // killed a moment ago and not yet reaped: still a pid, and its dir is going all the same
      postmasterPid(join(dir, 'standby'), process.pid, exiting);
      postmasterPid(join(other, 'primary'), deadPid(), elsewhere);
      removeTempDir(dir);
      expect(existsSync(dir)).toBe(false);
      expect(segmentExists(killed)).toBe(false);
      expect(segmentExists(exiting)).toBe(false);
      expect(segmentExists(elsewhere)).toBe(true);
    } finally {
      for (const id of [killed, exiting, elsewhere]) spawnSync('ipcrm', ['-m', String(id)], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
      rmSync(other, { recursive: true, force: true });
    }
  });
});
