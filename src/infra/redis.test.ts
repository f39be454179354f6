import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode, PrerequisiteError } from '../errors.js';
import { findRedis, ping, startRedis } from './redis.js';

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
  it('prefers REDIS_URL', () => {
    expect(findRedis({ REDIS_URL: 'redis://10.0.0.5:6379', PATH: process.env.PATH })).toEqual({ kind: 'url', url: 'redis://10.0.0.5:6379' });
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

describe('startRedis', () => {
  it('rejects an unreachable REDIS_URL as a missing prerequisite (exit 3)', async () => {
    const error = await startRedis({ kind: 'url', url: 'redis://127.0.0.1:1' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PrerequisiteError);
    expect((error as PrerequisiteError).code).toBe('DEVCAP_REDIS_UNREACHABLE');
    expect((error as PrerequisiteError).exitCode).toBe(ExitCode.prerequisite);
  });

  it.skipIf(installed.kind !== 'binary')('starts a private redis-server on loopback that answers PING, and stops it', async () => {
    const redis = await startRedis(installed as { kind: 'binary'; path: string });
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
