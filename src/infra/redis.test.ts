import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode, PrerequisiteError, UsageError } from '../errors.js';
import { findRedis, givenRedis, ping, resolvedRedis, startRedis } from './redis.js';
import { processHost } from '../harness/provide.js';

const installed = findRedis({ PATH: process.env.PATH });
const dir = mkdtempSync(join(tmpdir(), 'devcap-redis-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('findRedis', () => {
  it('never reads the generic REDIS_URL; takes DEVCAP_REDIS_URL, and --redis-url over it', () => {
    expect(findRedis({ REDIS_URL: 'redis://10.0.0.5:6379', PATH: '/nonexistent' })).toEqual({ kind: 'missing' });
    expect(findRedis({ REDIS_URL: 'redis://10.0.0.5:6379', DEVCAP_REDIS_URL: 'redis://127.0.0.1:7000', PATH: '/nonexistent' })).toEqual({
      kind: 'url',
      url: 'redis://127.0.0.1:7000',
      origin: 'DEVCAP_REDIS_URL',
    });
    const given = givenRedis('redis://localhost:7001', false, { DEVCAP_REDIS_URL: 'redis://127.0.0.1:7000' });
    expect(findRedis({ DEVCAP_REDIS_URL: 'redis://127.0.0.1:7000' }, given)).toEqual({ kind: 'url', url: 'redis://localhost:7001', origin: '--redis-url' });
  });

  it('finds an executable redis-server on PATH', () => {
    const bin = join(dir, 'bin');
    rmSync(bin, { recursive: true, force: true });
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'redis-server'), '#!/bin/sh\n');
    chmodSync(join(bin, 'redis-server'), 0o755);
    expect(findRedis({ PATH: `/nonexistent:${bin}` })).toEqual({ kind: 'binary', path: join(bin, 'redis-server') });
  });

  it('ignores a redis-server that is not executable, and reports missing without either', () => {
    const bin = join(dir, 'not-executable');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'redis-server'), '');
    chmodSync(join(bin, 'redis-server'), 0o644);
    expect(findRedis({ PATH: bin })).toEqual({ kind: 'missing' });
    expect(findRedis({})).toEqual({ kind: 'missing' });
  });
});

describe('resolvedRedis', () => {
  it('refuses a host this machine does not resolve with exit 2, and passes an address or localhost', async () => {
    const refused = await resolvedRedis('redis://no-such-host.invalid:6379', true, {}).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UsageError);
    expect((refused as UsageError).code).toBe('DEVCAP_BAD_REDIS_URL');
    expect((refused as Error).message).toBe('--redis-url names no-such-host.invalid, which this machine does not resolve (no such name)');
    expect(await resolvedRedis('redis://localhost:6379', false, {})).toEqual({ url: 'redis://localhost:6379', origin: '--redis-url' });
    expect(await resolvedRedis(undefined, false, { DEVCAP_REDIS_URL: 'redis://[::1]:6379' })).toEqual({ url: 'redis://[::1]:6379', origin: 'DEVCAP_REDIS_URL' });
    expect(await resolvedRedis(undefined, false, {})).toBeUndefined();
  });
});

describe('givenRedis', () => {
  it('takes loopback hosts', () => {
    for (const url of ['redis://127.0.0.1:6379', 'redis://localhost', 'redis://[::1]:6379', 'rediss://127.0.0.2:1', 'redis://:secret@127.0.0.1:6379/2']) {
      expect(givenRedis(url, false, {})?.url).toBe(url);
    }
    expect(givenRedis(undefined, false, {})).toBeUndefined();
  });

  it('refuses another machine with a usage error (exit 2) unless allowRemote', () => {
    for (const url of ['redis://10.0.0.1:6379', 'redis://cache.example.com', 'redis://[2001:db8::1]:6379', 'redis://0.0.0.0:6379']) {
      const error = (() => {
        try {
          givenRedis(url, false, {});
        } catch (caught) {
          return caught;
        }
      })();
      expect(error, url).toBeInstanceOf(UsageError);
      expect((error as UsageError).code).toBe('DEVCAP_REMOTE_REDIS');
      expect((error as UsageError).message).toMatch(/--allow-remote/);
      expect(givenRedis(url, true, {})?.url).toBe(url);
    }
    expect(() => givenRedis(undefined, false, { DEVCAP_REDIS_URL: 'redis://10.0.0.1' })).toThrow(/DEVCAP_REDIS_URL names 10\.0\.0\.1/);
  });

  it('refuses what is not a redis URL, without showing a password', () => {
    expect(() => givenRedis('http://127.0.0.1', false, {})).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => givenRedis('not a url', false, {})).toThrow(/takes a URL/);
    expect(() => givenRedis('redis://:hunter2@10.0.0.1', false, {})).not.toThrow(/hunter2/);
  });
});

describe('ping', () => {
  it('gives up on a server that accepts the connection and never answers (it used to wait forever)', async () => {
    const { createServer } = await import('node:net');
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const started = Date.now();
    try {
      await expect(ping(`redis://127.0.0.1:${port}`, 300)).rejects.toThrow(/timed? ?out/i);
      expect(Date.now() - started).toBeLessThan(6000);
    } finally {
      silent.close();
    }
  });
});

describe('startRedis', () => {
  it('rejects an unreachable REDIS_URL as a missing prerequisite (exit 3)', async () => {
    const error = await startRedis({ kind: 'url', url: 'redis://127.0.0.1:1', origin: '--redis-url' }, processHost).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PrerequisiteError);
    expect((error as PrerequisiteError).code).toBe('DEVCAP_REDIS_UNREACHABLE');
    expect((error as PrerequisiteError).exitCode).toBe(ExitCode.prerequisite);
  });

  it.skipIf(installed.kind !== 'binary')('starts a private redis-server on loopback that answers PING, and stops it', async () => {
    const redis = await startRedis(installed as { kind: 'binary'; path: string }, processHost);
    expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(redis.keyPrefix).toMatch(/^devcap:[0-9a-f]{8}:$/);
    await ping(redis.url);
    const { execFileSync } = await import('node:child_process');
    const port = redis.url.split(':').pop();
    const pid = Number(execFileSync('pgrep', ['-f', `redis-server 127.0.0.1:${port}`], { encoding: 'utf8' }).trim());
    expect(alive(pid)).toBe(true);
    await redis.release();
    expect(alive(pid)).toBe(false);
    await expect(ping(redis.url, 300)).rejects.toThrow();
  });
});
