import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRedis, ping } from '../dist/src/infra/redis.js';
import { freePort } from '../dist/src/lab/helpers.js';
import type { LabResult } from '../dist/src/report/result.js';
import { cmdline, descendantsOf, runCli } from './run-cli.js';

const installed = findRedis({ PATH: process.env.PATH });

/** One command to the test's own Redis, over the same client the labs use. */
async function redisCommand(url: string, ...args: string[]): Promise<unknown> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url);
  try {
    return await client.call(args[0]!, ...args.slice(1));
  } finally {
    client.disconnect();
  }
}

describe.skipIf(installed.kind !== 'binary')('--redis-url: a Redis the user gives', () => {
  let server: ChildProcess;
  let url: string;
  beforeAll(async () => {
    const port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    server = spawn((installed as { path: string }).path, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      try {
        await ping(url, 200);
        break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  });
  afterAll(() => void server?.kill('SIGKILL'));

  it('is used instead of REDIS_URL, named in the report, and left without a key of the run', async () => {
    const { code, stdout, stderr } = await runCli(['lab', '11', '--quick', '--json', '--redis-url', url], { env: { REDIS_URL: 'redis://10.0.0.1:6379', DEVCAP_REDIS_URL: undefined } });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as LabResult;
    expect(result.skipped).toEqual([]);
    const prefix = /keys under (devcap:[0-9a-f]+:)/.exec(result.environment.redis ?? '')?.[1];
    expect(result.environment.redis).toMatch(new RegExp(`^${url} \\(--redis-url\\), keys under devcap:`));
    expect(prefix).toBeDefined();
    // The lab really wrote here: a quick run loads no limiter (no claim judges their cost), so
    // the Redis-backed scenario is all that talks to Redis, one EVALSHA per request it sent.
    // And nothing of it remains.
    const shared = result.claims.find((claim) => claim.id === 'shared-store-holds-the-limit')!;
    const sent = shared.steps!.reduce((sum, step) => sum + Object.values(step.statusCounts).reduce((a, b) => a + b, 0), 0);
    expect(sent).toBeGreaterThan(0);
    const stats = String(await redisCommand(url, 'INFO', 'commandstats'));
    expect(Number(/cmdstat_evalsha:calls=(\d+)/.exec(stats)?.[1] ?? 0)).toBe(sent);
    expect(await redisCommand(url, 'KEYS', `${prefix}*`)).toEqual([]);
    expect(await redisCommand(url, 'DBSIZE')).toBe(0);
  });

  it('a run killed outright leaves no key either: the watchdog deletes a queue\'s keys, which have no TTL', async () => {
    const run = runCli(['lab', '13', '--quick', '--claims', 'emails-wait-their-turn', '--redis-url', url], { env: { DEVCAP_REDIS_URL: undefined } });
    // Until the queue has jobs in this Redis (BullMQ keys under the run's prefix).
    let keys: string[] = [];
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !keys.some((key) => key.includes(':bull'))) {
      keys = (await redisCommand(url, 'KEYS', 'devcap:*')) as string[];
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(keys.some((key) => key.includes(':bull'))).toBe(true);
    const children = await descendantsOf(run.child.pid!);
    expect(children.map(cmdline).some((command) => command.includes('email-worker'))).toBe(true);
    run.child.kill('SIGKILL');
    await run;
    const gone = Date.now() + 5000;
    while (Date.now() < gone && Number(await redisCommand(url, 'DBSIZE')) > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await redisCommand(url, 'KEYS', 'devcap:*')).toEqual([]);
  });
});
