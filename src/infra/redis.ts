/**
 * Redis for the labs that need it: the server `--redis-url` or `DEVCAP_REDIS_URL` names
 * (loopback unless `--allow-remote`), or else a private `redis-server` from PATH on a free
 * loopback port, with no persistence, owned by the cleanup registry so it stops with the
 * run (also on Ctrl-C, on errors and, through the watchdog, when devcap is killed). The
 * generic `REDIS_URL` is never read: it often names a developer's own or a shared server.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { BadOption, HarnessError, PrerequisiteError, UsageError } from '../errors.js';
import type { ProcessHost } from './host.js';
import { freePort } from '../lab/helpers.js';
import { unresolvable } from './names.js';

/** A Redis the user named, and where they named it (for messages and the report). */
export interface GivenRedis {
  url: string;
  origin: '--redis-url' | 'DEVCAP_REDIS_URL';
}

export type RedisSource = ({ kind: 'url' } & GivenRedis) | { kind: 'binary'; path: string } | { kind: 'missing' };

export interface RunningRedis {
  url: string;
  /** Every key a run writes starts with this, so runs never meet on a shared Redis. */
  keyPrefix: string;
  /** Which Redis, in words: `redis://127.0.0.1:6379 (--redis-url)` or `redis-server on port 41233, started for this run`. */
  description: string;
  release(): Promise<void>;
}

export const REDIS_HOW_TO =
  'install redis-server (apt-get install redis-server, or brew install redis) so devcap can start a private one, ' +
  'or name a running Redis with --redis-url redis://127.0.0.1:6379 (or DEVCAP_REDIS_URL)';

/** Loopback: localhost, 127.0.0.0/8, ::1. Load never leaves the machine unless asked to. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(host);
  return false;
}

/** The URL without its password, for reports and messages. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/**
 * `--redis-url` (or else `DEVCAP_REDIS_URL`), checked: a redis:// or rediss:// URL, on
 * loopback unless `allowRemote`. Undefined when neither is given.
 */
export function givenRedis(option: string | undefined, allowRemote: boolean, env: NodeJS.ProcessEnv = process.env): GivenRedis | undefined {
  const given = namedRedis(option, env);
  if (!given) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(given.url);
  } catch {
    throw new BadOption(`${given.origin} takes a URL such as redis://127.0.0.1:6379 (got "${redactedUrl(given.url)}")`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new BadOption(`${given.origin} takes a redis:// or rediss:// URL (got "${redactedUrl(given.url)}")`);
  }
  if (!parsed.hostname) throw new BadOption(`${given.origin} takes a URL with a host, such as redis://127.0.0.1:6379 (got "${redactedUrl(given.url)}")`);
  if (!allowRemote && !isLoopbackHost(parsed.hostname)) {
    throw new UsageError(
      'DEVCAP_REMOTE_REDIS',
      `${given.origin} names ${parsed.hostname}, which is not this machine: a lab puts thousands of commands a second on it. ` +
        'Use a Redis on 127.0.0.1, or add --allow-remote if you mean it',
    );
  }
  return given;
}

/** `givenRedis`, and its host looked up now: a name this machine does not resolve is bad input, refused before anything starts. */
export async function resolvedRedis(option: string | undefined, allowRemote: boolean, env: NodeJS.ProcessEnv = process.env): Promise<GivenRedis | undefined> {
  const given = givenRedis(option, allowRemote, env);
  if (!given) return undefined;
  const host = new URL(given.url).hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  const why = await unresolvable(host);
  if (why) throw new UsageError('DEVCAP_BAD_REDIS_URL', `${given.origin} names ${host}, which this machine does not resolve (${why})`);
  return given;
}

function namedRedis(option: string | undefined, env: NodeJS.ProcessEnv): GivenRedis | undefined {
  if (option !== undefined) return { url: option, origin: '--redis-url' };
  return env.DEVCAP_REDIS_URL ? { url: env.DEVCAP_REDIS_URL, origin: 'DEVCAP_REDIS_URL' } : undefined;
}

/** Where Redis would come from, without starting anything: cheap enough for `devcap list`. */
export function findRedis(env: NodeJS.ProcessEnv = process.env, given?: GivenRedis): RedisSource {
  const named = given ?? namedRedis(undefined, env);
  if (named) return { kind: 'url', ...named };
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
  if (source.kind === 'url') return `found: ${redactedUrl(source.url)} (${source.origin})`;
  if (source.kind === 'binary') return `found: ${source.path}, started privately for each run`;
  return 'not found: apt-get install redis-server, brew install redis, or --redis-url';
}

const READY_TIMEOUT_MS = 10_000;
const START_ATTEMPTS = 3;

/** Connects, sends PING, expects PONG. Rejects with the client's error otherwise. */
export async function ping(url: string, timeoutMs = 2000): Promise<void> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
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

/** The Redis the user named (it must answer), else a private redis-server. Missing both is the caller's business. */
export async function startRedis(source: Exclude<RedisSource, { kind: 'missing' }>, host: ProcessHost): Promise<RunningRedis> {
  const keyPrefix = `devcap:${randomBytes(4).toString('hex')}:`;
  if (source.kind === 'url') {
    const shown = redactedUrl(source.url);
    try {
      await ping(source.url);
    } catch (error) {
      throw new PrerequisiteError('DEVCAP_REDIS_UNREACHABLE', `the Redis at ${shown} (${source.origin}) did not answer PING: ${(error as Error).message}`);
    }
    // A queue's keys (BullMQ's jobs) have no TTL: a run killed outright would leave them for
    // good, so the run's keys are owned like its processes, and the watchdog deletes them.
    const release = host.ownKeys(source.url, keyPrefix, () => deleteKeys(source.url, keyPrefix));
    return { url: source.url, keyPrefix, description: `${shown} (${source.origin}), keys under ${keyPrefix}`, release };
  }
  let lastError = '';
  // A free port can be taken between our check and redis-server's bind: try again on another.
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    try {
      return await startServer(source.path, await freePort(), keyPrefix, host);
    } catch (error) {
      lastError = (error as Error).message;
    }
  }
  throw new HarnessError('DEVCAP_REDIS_START_FAILED', `could not start ${source.path}: ${lastError}`);
}

async function startServer(binary: string, port: number, keyPrefix: string, host: ProcessHost): Promise<RunningRedis> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpdir(), '--loglevel', 'warning'];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const release = host.own(child, `redis-server :${port}`, [`redis-server 127.0.0.1:${port}`, `${binary} 127.0.0.1:${port}`]);
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

/**
 * Removes every key of the run from a Redis that is not ours: on release, and from the
 * watchdog when devcap was killed before it could.
 */
export async function deleteKeys(url: string, keyPrefix: string, timeoutMs = 5000): Promise<void> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, commandTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await client.unlink(...keys);
    } while (cursor !== '0');
  } catch {
    // Unreachable now: the keys' own TTLs remove them.
  } finally {
    client.disconnect();
  }
}
