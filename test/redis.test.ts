import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findRedis } from '../dist/src/infra/redis.js';
import type { LabResult } from '../dist/src/report/result.js';
import { cmdline, descendantsOf, isAlive, runCli, waitUntilGone } from './run-cli.js';

// A machine without Redis: no REDIS_URL, and a PATH with no redis-server on it (node is
// started by absolute path, so nothing else needs PATH).
const emptyDir = mkdtempSync(join(tmpdir(), 'devcap-no-redis-'));
afterAll(() => rmSync(emptyDir, { recursive: true, force: true }));
const withoutRedis = { PATH: emptyDir, REDIS_URL: undefined };
const redisInstalled = findRedis({ PATH: process.env.PATH }).kind === 'binary';

function redisServersOn(port: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', `redis-server 127.0.0.1:${port}`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

describe('without Redis', () => {
  it('devcap list says which labs need Redis and that it is missing', async () => {
    const text = await runCli(['list'], { env: withoutRedis });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/rate-limiting[\s\S]*needs: redis \(not found: apt-get install redis-server, brew install redis, or --redis-url\)/);
    const json = await runCli(['list', '--json'], { env: withoutRedis });
    const rows = JSON.parse(json.stdout) as Array<{ day: number; requires: string[]; available: Record<string, boolean> }>;
    const caching = rows.find((row) => row.day === 12)!;
    expect(caching.requires.sort()).toEqual(['database', 'redis']);
    expect(caching.available).toEqual({ database: true, redis: false });
    expect(rows.find((row) => row.day === 1)!.requires).toEqual([]);
  });

  it('lab 11 runs what it can, reports the Redis variants and their claims as skipped, and exits 0', async () => {
    // A full run (short loads): a quick one loads only what a claim judges, and no claim judges the limiters' cost.
    const { code, stdout, stderr } = await runCli(['lab', '11', '--duration', '1', '--json'], { env: withoutRedis });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as LabResult;
    expect(result.skipped.map((entry) => entry.variant)).toEqual(['redis-store', 'two-instances-redis']);
    expect(result.skipped[0]!.reason).toMatch(/apt-get install redis-server/);
    const verdicts = Object.fromEntries(result.claims.map((claim) => [claim.id, claim.verdict]));
    expect(verdicts).toEqual({
      'shared-store-holds-the-limit': 'skipped',
      'memory-store-doubles-the-limit': 'confirmed',
      'login-brute-force': 'confirmed',
      'limit-is-per-client': 'confirmed',
      'forged-forwarded-for-ignored': 'confirmed',
      'lesson-windows': 'confirmed',
    });
    expect(new Set(result.runs.map((run) => run.variant))).toEqual(new Set(['no-limiter', 'memory-store']));
    expect(result.measures.map((measure) => measure.id)).toEqual(['memory-store-cost']);
    expect(result.outcome).toBe('confirmed');
  });

  it('the terminal report says what was skipped and how to get Redis', async () => {
    const { code, stdout } = await runCli(['lab', '12', '--quick', '--rounds', '3'], { env: withoutRedis });
    expect(code).toBe(0);
    expect(stdout).toMatch(/Skipped: redis-cache-aside, redis-cache-coalesced/);
    expect(stdout).toMatch(/brew install redis/);
    expect(stdout).toMatch(/– skipped {2}A Redis cache/);
  });
});

describe.skipIf(!redisInstalled)('with a private redis-server', () => {
  it('starts one for the run and leaves none behind', async () => {
    const { code, stdout } = await runCli(['lab', '11', '--quick', '--json'], { env: { REDIS_URL: undefined } });
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as LabResult;
    const redis = result.services.find((service) => service.name === 'redis')!;
    const port = /port (\d+)/.exec(redis.summary)![1]!;
    expect(result.skipped).toEqual([]);
    expect(result.claims.every((claim) => claim.verdict === 'confirmed')).toBe(true);
    expect(redisServersOn(port)).toEqual([]);
  });

  it('Ctrl-C stops redis-server, the database and every variant, including processes they started', async () => {
    const run = runCli(['lab', '12'], { env: { REDIS_URL: undefined } });
    const pid = run.child.pid!;
    const seen = new Map<number, string>();
    const deadline = Date.now() + 60_000;
    // Wait until Redis, the database and a variant under load are all up.
    while (Date.now() < deadline) {
      for (const child of await descendantsOf(pid)) seen.set(child, cmdline(child));
      const commands = [...seen.values()];
      if (['redis-server', 'database-server', '/variants/'].every((part) => commands.some((command) => command.includes(part)))) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const commands = [...seen.values()];
    expect(commands.some((command) => command.includes('redis-server'))).toBe(true);
    expect(commands.some((command) => command.includes('database-server'))).toBe(true);
    run.child.kill('SIGINT');
    const result = await run;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/interrupted/);
    await waitUntilGone(seen.keys());
    for (const [child, command] of seen) expect(isAlive(child), `${child} (${command}) still running`).toBe(false);
  });
});
