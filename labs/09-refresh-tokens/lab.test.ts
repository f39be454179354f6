import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDatabase, type RunningDatabase } from '../../dist/src/infra/database.js';
import { findRedis, startRedis, type RunningRedis } from '../../dist/src/infra/redis.js';
import { processHost } from '../../dist/src/harness/run-lab.js';
import type { RefreshTokens } from './variants/app.js';

// The rotation store on its own, against a real redis-server and the database process:
// what the scenarios see through HTTP, without HTTP. Each test logs in afresh (a new family).
const source = findRedis({ PATH: process.env.PATH });
const linus = { id: 3, username: 'linus', role: 'user' as const };

let redis: RunningRedis;
let database: RunningDatabase;
let client: Redis;
let tokens: RefreshTokens;

beforeAll(async () => {
  if (source.kind === 'missing') return;
  [redis, database] = await Promise.all([startRedis(source, processHost), startDatabase(processHost)]);
  process.env.DATABASE_URL = database.url;
  process.env.REDIS_KEY_PREFIX = redis.keyPrefix;
  client = new Redis(redis.url);
  const { redisRotation } = await import('../../dist/labs/09-refresh-tokens/variants/redis-rotation.js');
  tokens = redisRotation(client);
});

afterAll(async () => {
  client?.disconnect();
  await Promise.all([redis?.release(), database?.release()]);
});

describe.skipIf(source.kind === 'missing')('redisRotation', () => {
  it('answers a new token for a live one, with the user as the database has them', async () => {
    const first = await tokens.issue(linus);
    const refreshed = await tokens.refresh(first);
    expect(refreshed).toMatchObject({ user: linus });
    expect(refreshed!.refreshToken).not.toBe(first);
  });

  it('refuses a used token and, because it was used, every token of its family', async () => {
    const first = await tokens.issue(linus);
    const second = (await tokens.refresh(first))!.refreshToken;
    const third = (await tokens.refresh(second))!.refreshToken;
    expect(await tokens.refresh(first)).toBeNull();
    expect(await tokens.refresh(third)).toBeNull();
  });

  it('refuses a token after logout, and one it never issued', async () => {
    const first = await tokens.issue(linus);
    await tokens.revoke(first);
    expect(await tokens.refresh(first)).toBeNull();
    expect(await tokens.refresh('never-issued')).toBeNull();
  });

  it('lets exactly one of twenty simultaneous refreshes of one token through', async () => {
    const first = await tokens.issue(linus);
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => tokens.refresh(first)));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
  });

  it('keeps its keys under the run prefix', async () => {
    await tokens.issue(linus);
    const keys = await client.keys('*');
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((key) => key.startsWith(redis.keyPrefix))).toBe(true);
  });
});
