import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processHost } from '../harness/provide.js';
import { findPostgres, query, startPostgres } from './postgres.js';

const installed = findPostgres();
const dir = mkdtempSync(join(tmpdir(), 'devcap-postgres-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A directory with (fake) executables of these names. */
function binDir(name: string, programs: string[], mode = 0o755): string {
  const bin = join(dir, name);
  mkdirSync(bin, { recursive: true });
  for (const program of programs) {
    writeFileSync(join(bin, program), '#!/bin/sh\n');
    chmodSync(join(bin, program), mode);
  }
  return bin;
}

const ALL = ['initdb', 'postgres', 'pg_basebackup'];

describe('findPostgres', () => {
  it('takes --postgres-bin over DEVCAP_POSTGRES_BIN over PATH over /usr/lib/postgresql', () => {
    const option = binDir('option', ALL);
    const named = binDir('named', ALL);
    const onPath = binDir('on-path', ALL);
    const debian = join(dir, 'debian');
    mkdirSync(join(debian, '13', 'bin'), { recursive: true });
    const newest = binDir('debian/16/bin', ALL);
    const empty = join(dir, 'nowhere');
    expect(findPostgres(option, { DEVCAP_POSTGRES_BIN: named, PATH: onPath }, debian)).toEqual({ kind: 'binaries', dir: option, origin: '--postgres-bin' });
    expect(findPostgres(undefined, { DEVCAP_POSTGRES_BIN: named, PATH: onPath }, debian)).toEqual({ kind: 'binaries', dir: named, origin: 'DEVCAP_POSTGRES_BIN' });
    expect(findPostgres(undefined, { PATH: `/nonexistent:${onPath}` }, debian)).toEqual({ kind: 'binaries', dir: onPath, origin: 'PATH' });
    expect(findPostgres(undefined, { PATH: '/nonexistent' }, debian)).toEqual({ kind: 'binaries', dir: newest, origin: debian });
    expect(findPostgres(undefined, { PATH: '/nonexistent' }, empty)).toMatchObject({ kind: 'missing' });
  });

  it('reports a named directory without all three programs as missing, and says why', () => {
    const partial = binDir('partial', ['postgres', 'initdb']);
    const notExecutable = binDir('not-executable', ALL, 0o644);
    expect(findPostgres(partial, {}, join(dir, 'nowhere'))).toEqual({
      kind: 'missing',
      reason: `--postgres-bin names ${partial}, which does not hold initdb, postgres, pg_basebackup`,
    });
    // Named but unusable is missing: devcap does not quietly fall back to another installation.
    expect(findPostgres(undefined, { DEVCAP_POSTGRES_BIN: notExecutable, PATH: binDir('fallback', ALL) }, join(dir, 'nowhere'))).toMatchObject({ kind: 'missing' });
  });
});

/** Processes working in `dir`: every PostgreSQL process (postmaster, backends, walsender, startup) works in its data dir. */
function processesIn(dir: string): number {
  let count = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readlinkSync(`/proc/${name}/cwd`).startsWith(dir)) count++;
    } catch {
      // gone, or not ours to read
    }
  }
  return count;
}

describe.skipIf(installed.kind !== 'binaries')('startPostgres', () => {
  it('starts a primary and a streaming hot standby; a row written on the primary appears on the standby; release leaves nothing', async () => {
    const pair = await startPostgres(installed as Extract<typeof installed, { kind: 'binaries' }>, processHost);
    const [setting] = await query<{ setting: string }>(pair.primaryUrl, "SELECT setting FROM pg_settings WHERE name = 'data_directory'");
    // The run's temp dir, which holds both data dirs.
    const dataDir = setting!.setting.replace(/\/primary$/, '');
    try {
      expect(pair.primaryUrl).toMatch(/^postgresql:\/\/devcap@127\.0\.0\.1:\d+\/postgres$/);
      const [replication] = await query<{ state: string; sync_state: string }>(pair.primaryUrl, 'SELECT state, sync_state FROM pg_stat_replication');
      expect(replication?.state).toBe('streaming');
      const [recovery] = await query<{ standby: boolean }>(pair.standbyUrl, 'SELECT pg_is_in_recovery() AS standby');
      expect(recovery?.standby).toBe(true);
      await query(pair.primaryUrl, 'CREATE TABLE notes (id int PRIMARY KEY, body text)');
      await query(pair.primaryUrl, "INSERT INTO notes VALUES (1, 'replicated')");
      let seen: Array<{ body: string }> = [];
      for (let tries = 0; tries < 100 && !seen.length; tries++) {
        seen = await query<{ body: string }>(pair.standbyUrl, 'SELECT body FROM notes WHERE id = 1').catch(() => []);
        if (!seen.length) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(seen).toEqual([{ body: 'replicated' }]);
      // A standby is read-only: PostgreSQL's own error.
      await expect(query(pair.standbyUrl, "INSERT INTO notes VALUES (2, 'no')")).rejects.toThrow(/read-only transaction/);
      expect(dataDir && processesIn(dataDir)).toBeGreaterThan(0);
    } finally {
      await pair.release();
    }
    expect(dataDir).toBeDefined();
    expect(existsSync(dataDir!)).toBe(false);
    expect(processesIn(dataDir!)).toBe(0);
    await expect(query(pair.primaryUrl, 'SELECT 1')).rejects.toThrow();
  }, 60_000);
});
