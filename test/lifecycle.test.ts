import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { findRedis } from '../dist/src/infra/redis.js';
import { findPostgres } from '../dist/src/infra/postgres.js';
import { BIN, cmdline, descendantsOf, isAlive, runCli } from './run-cli.js';

const redisInstalled = findRedis({ PATH: process.env.PATH }).kind === 'binary';
const postgresInstalled = findPostgres().kind === 'binaries';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The ids of the kernel's System V shared memory segments (`ipcs -m`'s second column). */
const segmentIds = () => spawnSync('ipcs', ['-m'], { encoding: 'utf8' }).stdout.split('\n').map((line) => Number(line.trim().split(/\s+/)[1])).filter(Number.isInteger);

// Each run gets a temp dir and a state dir of its own, so "nothing left" can be checked by
// listing them.
let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function isolated(platform: Record<string, string> = {}): { env: Record<string, string | undefined>; tmp: string; state: string } {
  const tmp = mkdtempSync(join(tmpdir(), 'devcap-lifecycle-tmp-'));
  const state = mkdtempSync(join(tmpdir(), 'devcap-lifecycle-state-'));
  dirs.push(tmp, state);
  return { env: { TMPDIR: tmp, DEVCAP_STATE_DIR: state, REDIS_URL: undefined, DEVCAP_REDIS_URL: undefined, ...platform }, tmp, state };
}

/**
 * Where there is no /proc (macOS, Windows) devcap's watchdog and sweep tell their processes
 * by `ps` instead. DEVCAP_PLATFORM_NO_PROC=1 makes devcap take those paths here, so the same
 * tests run through them. (The tests themselves still watch the processes through /proc.)
 */
const PLATFORMS: Array<{ name: string; env: Record<string, string> }> = [
  { name: 'reading /proc', env: {} },
  { name: 'as without /proc (DEVCAP_PLATFORM_NO_PROC=1: ps, os.freemem, ulimit -n)', env: { DEVCAP_PLATFORM_NO_PROC: '1' } },
];

async function spawnIdle(...args: string[]) {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', ...args], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('spawn', resolve));
  return child;
}

/** Starts `lab` and waits until every part named in `parts` shows in a descendant's command line. */
async function startUntil(args: string[], env: Record<string, string | undefined>, parts: string[]) {
  const run = runCli(args, { env });
  const seen = new Map<number, string>();
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    for (const child of await descendantsOf(run.child.pid!)) seen.set(child, cmdline(child));
    if (parts.every((part) => [...seen.values()].some((command) => command.includes(part)))) break;
    await sleep(50);
  }
  for (const part of parts) expect([...seen.values()].some((command) => command.includes(part)), `no process with ${part}`).toBe(true);
  return { run, seen };
}

async function expectAllGoneWithin(ms: number, seen: Map<number, string>): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && [...seen.keys()].some(isAlive)) await sleep(50);
  for (const [pid, command] of seen) expect(isAlive(pid), `${pid} (${command}) still running`).toBe(false);
}

describe.skipIf(process.platform !== 'linux').each(PLATFORMS)('a run that is killed, $name', ({ env: platform }) => {
  it.skipIf(!redisInstalled)('SIGKILL in the middle of lab 12: within 5 s no process and no temp dir of that run is left', async () => {
    const { env, tmp } = isolated(platform);
    const { run, seen } = await startUntil(['lab', '12', '--quick'], env, ['redis-server', 'database-server', '/variants/', 'watchdog']);
    await sleep(300);
    for (const child of await descendantsOf(run.child.pid!)) seen.set(child, cmdline(child));
    run.child.kill('SIGKILL');
    await run;
    await expectAllGoneWithin(5000, seen);
    expect(readdirSync(tmp).filter((name) => name.startsWith('devcap-'))).toEqual([]);
  });

  it.skipIf(!redisInstalled)('SIGKILL in the middle of lab 13: the queue worker beside the API goes too, with Redis and the mail provider, within 5 s', async () => {
    const { env } = isolated(platform);
    const { run, seen } = await startUntil(['lab', '13', '--quick', '--claims', 'queue-answers-at-once'], env, ['redis-server', 'smtp-provider', 'bullmq-queue', 'email-worker', 'watchdog']);
    run.child.kill('SIGKILL');
    await run;
    await expectAllGoneWithin(5000, seen);
  });

  it('Ctrl-C in the middle of lab 15: the order service and its four services are stopped, exit 130', async () => {
    const { env } = isolated(platform);
    const { run, seen } = await startUntil(['lab', '15', '--quick', '--claims', 'monolith-serves-more'], env, ['split-keepalive', 'services/users', 'services/stock', 'services/payments', 'services/notifications']);
    run.child.kill('SIGINT');
    const result = await run;
    expect(result.code).toBe(130);
    await expectAllGoneWithin(2000, seen);
  });

  it('SIGKILL while lab 3 serves its data file: the temp dir goes too, within 5 s', async () => {
    const { env, tmp } = isolated(platform);
    const { run, seen } = await startUntil(['lab', '3', '--quick'], env, ['/variants/']);
    expect(readdirSync(tmp).filter((name) => name.startsWith('devcap-blocking-io-'))).toHaveLength(1);
    run.child.kill('SIGKILL');
    await run;
    await expectAllGoneWithin(5000, seen);
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && readdirSync(tmp).some((name) => name.startsWith('devcap-'))) await sleep(50);
    expect(readdirSync(tmp).filter((name) => name.startsWith('devcap-'))).toEqual([]);
  });

  it.skipIf(!postgresInstalled)('SIGKILL in the middle of lab 17: the PostgreSQL primary, its standby, their backends and their data dirs are gone within 5 s', async () => {
    const { env, tmp } = isolated();
    // As root, the servers run as the postgres user, who must be able to reach the data dir.
    chmodSync(tmp, 0o755);
    const { run, seen } = await startUntil(['lab', '17', '--quick', '--claims', 'replica-read-after-write-is-stale'], env, ['postgres -D', 'postgres: walsender', 'postgres: walreceiver', '/variants/', 'watchdog']);
    expect(readdirSync(tmp).filter((name) => name.startsWith('devcap-postgres-'))).toHaveLength(1);
    // Each postmaster's System V segment (line 7 of postmaster.pid: key, id): a server killed
    // outright leaves it in the kernel unless devcap frees it.
    const pair = join(tmp, readdirSync(tmp).find((name) => name.startsWith('devcap-postgres-'))!);
    const segments = ['primary', 'standby'].map((server) => Number(readFileSync(join(pair, server, 'postmaster.pid'), 'utf8').split('\n')[6]!.trim().split(/\s+/)[1]));
    expect(segments.every((id) => segmentIds().includes(id)), `segments ${segments.join(', ')} in ipcs -m`).toBe(true);
    run.child.kill('SIGKILL');
    await run;
    await expectAllGoneWithin(5000, seen);
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && readdirSync(tmp).some((name) => name.startsWith('devcap-'))) await sleep(50);
    expect(readdirSync(tmp).filter((name) => name.startsWith('devcap-'))).toEqual([]);
    expect(segmentIds().filter((id) => segments.includes(id))).toEqual([]);
  });

  it.skipIf(!redisInstalled)('SIGTERM: cleans up, says so, exits 143, leaves no process and no record', async () => {
    const { env, state } = isolated(platform);
    const { run, seen } = await startUntil(['lab', '12', '--quick'], env, ['redis-server', 'database-server', '/variants/']);
    run.child.kill('SIGTERM');
    const result = await run;
    expect(result.code).toBe(143);
    expect(result.stderr).toMatch(/devcap: interrupted \(SIGTERM\); stopped \d+ process/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    await expectAllGoneWithin(2000, seen);
    expect(existsSync(join(state, 'runs')) ? readdirSync(join(state, 'runs')) : []).toEqual([]);
  });
  it("the next run's sweep: what a run that died with its watchdog left (its record names them) is removed; a pid that is now another program is spared", async () => {
    const { env, tmp, state } = isolated(platform);
    // A run killed with its watchdog (a power cut) left its record, a process still running and a temp dir.
    const gone = await spawnIdle();
    gone.kill('SIGKILL');
    await new Promise((resolve) => gone.once('exit', resolve));
    const leftover = await spawnIdle('leftover');
    const reused = await spawnIdle('another-program');
    try {
      const leftDir = mkdtempSync(join(tmp, 'devcap-leftover-'));
      mkdirSync(join(state, 'runs'), { recursive: true });
      const record = {
        pid: gone.pid,
        signature: `${process.execPath} ${BIN} lab 3`,
        startedAt: new Date().toISOString(),
        processes: [
          { pid: leftover.pid, signatures: [leftover.spawnargs.join(' ')] },
          // the pid of a process of that run, since given by the system to another program
          { pid: reused.pid, signatures: [`${process.execPath} /devcap/labs/03-blocking-io/variants/read-file-sync.js`] },
        ],
        tempDirs: [leftDir],
      };
      writeFileSync(join(state, 'runs', `${gone.pid}.json`), JSON.stringify(record));
      // The sweep runs first thing; this run then stops at its bad --variant, having started nothing.
      const result = await runCli(['lab', '3', '--variant', 'no-such-variant=x.js'], { env });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^devcap: removed 2 leftovers of an earlier run that did not end cleanly\n/);
      await expectAllGoneWithin(2000, new Map([[leftover.pid!, 'leftover']]));
      expect(isAlive(reused.pid!)).toBe(true);
      expect(existsSync(leftDir)).toBe(false);
      expect(readdirSync(join(state, 'runs'))).toEqual([]);
    } finally {
      leftover.kill('SIGKILL');
      reused.kill('SIGKILL');
    }
  });
});

describe.skipIf(process.platform !== 'linux')('signals', () => {
  it('SIGHUP exits 129 after cleaning up', async () => {
    const { env } = isolated();
    const { run, seen } = await startUntil(['lab', '1', '--quick'], env, ['/variants/']);
    run.child.kill('SIGHUP');
    const result = await run;
    expect(result.code).toBe(129);
    await expectAllGoneWithin(2000, seen);
  });

  it('Ctrl-C is answered within a second even while a server is stuck in a 2,000,000-iteration hash', async () => {
    const { env } = isolated();
    const { run, seen } = await startUntil(['lab', '2', '--quick', '--set', 'iterations=2000000'], env, ['pbkdf2-sync']);
    await sleep(1500); // under load: the server is inside pbkdf2Sync and cannot answer SIGTERM
    const sent = Date.now();
    run.child.kill('SIGINT');
    const result = await run;
    expect(Date.now() - sent).toBeLessThan(1500);
    expect(result.code).toBe(130);
    await expectAllGoneWithin(1000, seen);
  });

  it('a second Ctrl-C kills every child at once and exits 130', async () => {
    const { env } = isolated();
    const stubborn = fileURLToPath(new URL('./fixtures/ignores-sigterm.mjs', import.meta.url));
    const { run, seen } = await startUntil(['lab', '1', '--quick', '--variant', `express=${stubborn}`], env, ['ignores-sigterm']);
    await sleep(1000); // until it has started ignoring SIGTERM
    run.child.kill('SIGINT');
    // The first stop gives a server that ignores SIGTERM 0.5 s; the second Ctrl-C does not wait.
    await sleep(150);
    const second = Date.now();
    run.child.kill('SIGINT');
    const result = await run;
    expect(Date.now() - second).toBeLessThan(1000);
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/devcap: SIGINT again; killed \d+ process/);
    await expectAllGoneWithin(2000, seen);
  });

  it('`devcap lab 1 --quick | head -1` ends quietly', () => {
    const { env } = isolated();
    const run = spawnSync('bash', ['-c', `set -o pipefail; '${process.execPath}' '${BIN}' lab 1 --quick | head -1`], {
      env: { ...process.env, ...env, NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(run.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(run.stderr).not.toMatch(/EPIPE|DEVCAP_INTERNAL|\n\s+at /);
    expect(run.status).toBe(0);
  });
});
