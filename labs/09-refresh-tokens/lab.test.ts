import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabServices } from 'devcap/lab';
import type { RefreshTokens } from './variants/app.js';

// The rotation store on its own, against a real redis-server and the lab's database (its
// accounts), started as a run starts them: what the scenarios see through HTTP, without HTTP.
// Each test logs in afresh (a new family).
const services = await startLabServices('09-refresh-tokens');
const linus = { id: 3, username: 'linus', role: 'user' as const };

let client: Redis;
let tokens: RefreshTokens;

beforeAll(async () => {
  if (services.missing.length) return;
  Object.assign(process.env, { DATABASE_URL: services.env.DATABASE_URL, REDIS_KEY_PREFIX: services.env.REDIS_KEY_PREFIX });
  client = new Redis(services.env.REDIS_URL!);
  const { redisRotation } = await import('./variants/redis-rotation.js');
  tokens = redisRotation(client);
});

afterAll(async () => {
  client?.disconnect();
  await services.release();
});

describe.skipIf(services.missing.length > 0)('redisRotation', () => {
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
    expect(keys.every((key) => key.startsWith(services.env.REDIS_KEY_PREFIX!))).toBe(true);
  });
});
