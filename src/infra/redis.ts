/**
 * Redis for the labs that need it: the one `REDIS_URL` names, or else a private
 * `redis-server` from PATH on a free loopback port, with no persistence, owned by the
 * cleanup registry so it stops with the run (also on Ctrl-C and on errors).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { HarnessError, PrerequisiteError } from '../errors.js';
import { ownChild } from '../harness/cleanup.js';

export type RedisSource = { kind: 'url'; url: string } | { kind: 'binary'; path: string } | { kind: 'missing' };

export interface RunningRedis {
  url: string;
  /** Every key a run writes starts with this, so runs never meet on a shared Redis. */
  keyPrefix: string;
  /** How we got it, in words: `REDIS_URL` or `redis-server 7.0.15 (started for this run)`. */
  description: string;
  release(): Promise<void>;
}

export const REDIS_HOW_TO =
  'install redis-server (apt-get install redis-server, or brew install redis) so devcap can start a private one, ' +
  'or point REDIS_URL at a running Redis (REDIS_URL=redis://127.0.0.1:6379)';

const READY_TIMEOUT_MS = 10_000;
const START_ATTEMPTS = 3;

/** Where Redis would come from, without starting anything: cheap enough for `devcap list`. */
export function findRedis(env: NodeJS.ProcessEnv = process.env): RedisSource {
  if (env.REDIS_URL) return { kind: 'url', url: env.REDIS_URL };
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return { kind: 'binary', path: candidate };
    } catch {
      // not in this directory
    }
  }
  return { kind: 'missing' };
}

export function describeSource(source: RedisSource): string {
  if (source.kind === 'url') return 'found: REDIS_URL';
  if (source.kind === 'binary') return `found: ${source.path}, started privately for each run`;
  return 'not found: apt-get install redis-server, brew install redis, or set REDIS_URL';
}

/** Connects, sends PING, expects PONG. Rejects with the client's error otherwise. */
export async function ping(url: string, timeoutMs = 2000): Promise<void> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // The socket's own error (ECONNREFUSED, ENOTFOUND) says more than "Connection is closed";
  // without a listener ioredis would also print it.
  let socketError: Error | undefined;
  client.on('error', (error: Error) => (socketError = error));
  try {
    await client.connect();
    const answer = await client.ping();
    if (answer !== 'PONG') throw new Error(`answered PING with ${answer}`);
  } catch (error) {
    throw socketError ?? error;
  } finally {
    client.disconnect();
  }
}

/** `REDIS_URL` when set (it must answer), else a private redis-server. Missing both is the caller's business. */
export async function startRedis(source: Exclude<RedisSource, { kind: 'missing' }>): Promise<RunningRedis> {
  const keyPrefix = `devcap:${randomBytes(4).toString('hex')}:`;
  if (source.kind === 'url') {
    try {
      await ping(source.url);
    } catch (error) {
      throw new PrerequisiteError('DEVCAP_REDIS_UNREACHABLE', `REDIS_URL is set but Redis did not answer PING: ${(error as Error).message}`);
    }
    return { url: source.url, keyPrefix, description: 'REDIS_URL', release: async () => {} };
  }
  let lastError = '';
  // A free port can be taken between our check and redis-server's bind: try again on another.
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    try {
      return await startServer(source.path, await freePort(), keyPrefix);
    } catch (error) {
      lastError = (error as Error).message;
    }
  }
  throw new HarnessError('DEVCAP_REDIS_START_FAILED', `could not start ${source.path}: ${lastError}`);
}

async function startServer(binary: string, port: number, keyPrefix: string): Promise<RunningRedis> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpdir(), '--loglevel', 'warning'];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const release = ownChild(child, `redis-server :${port}`, [`redis-server 127.0.0.1:${port}`, `${binary} 127.0.0.1:${port}`]);
  const output: string[] = [];
  const keep = (text: string) => {
    output.push(text);
    if (output.length > 20) output.shift();
  };
  child.stdout?.setEncoding('utf8').on('data', keep);
  child.stderr?.setEncoding('utf8').on('data', keep);
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  try {
    for (;;) {
      if (spawnError) throw spawnError;
      if (child.exitCode !== null || child.signalCode !== null) {
        const last = output.join('').trim().split('\n').filter(Boolean).pop();
        throw new Error(`redis-server exited (${child.exitCode ?? child.signalCode})${last ? `: ${last}` : ''}`);
      }
      try {
        await ping(url, 500);
        break;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`no answer to PING on port ${port} within ${READY_TIMEOUT_MS / 1000} s: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
  } catch (error) {
    await release();
    throw error;
  }
  return { url, keyPrefix, description: `redis-server on port ${port}, started for this run`, release };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
