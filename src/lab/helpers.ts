/**
 * Small things labs need in `drive`, `calibrate`, `setup` and scenario steps, written once:
 * labs had their own `sleep`s, poll loops, quantiles that disagreed and two `freePort`s.
 */
import { createServer } from 'node:net';
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { DriveFailed } from '../errors.js';

/** The headers of a JSON request body. */
export const JSON_HEADERS: Record<string, string> = { 'content-type': 'application/json' };

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Asks `probe` every `everyMs` until it gives something other than undefined/false, and
 * returns that; after `timeoutMs` throws DEVCAP_DRIVE_FAILED saying what was awaited.
 */
export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, options: { timeoutMs: number; everyMs?: number }): Promise<T> {
  const deadline = performance.now() + options.timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (performance.now() >= deadline) throw new DriveFailed(`gave up after ${options.timeoutMs} ms waiting for ${what}`);
    await sleep(options.everyMs ?? 20);
  }
}

/**
 * The q-quantile (0 ≤ q ≤ 1) of `values`, interpolated between the two nearest ranks
 * (R's type 7, numpy's default): quantile(v, 0.5) is the median, the mean of the middle two
 * of an even count. NaN for no values.
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be within 0..1, got ${q}`);
  const sorted = [...values].sort((a, b) => a - b);
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * `concurrency` callers at once, each on a kept-alive connection of one agent, calling `send`
 * until `count` calls are made in all, or until `durationMs` has passed; how many were made.
 * `open`, when given, runs once per connection first, so the calls then leave together (as
 * from clients already connected when a hot key expires).
 */
export async function sendConcurrently(options: {
  concurrency: number;
  count?: number;
  durationMs?: number;
  open?: (agent: Agent) => Promise<unknown>;
  send: (agent: Agent, index: number) => Promise<unknown>;
}): Promise<number> {
  const { concurrency, count, durationMs, open, send } = options;
  if (count === undefined && durationMs === undefined) throw new RangeError('sendConcurrently: give count or durationMs');
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const deadline = durationMs === undefined ? Infinity : performance.now() + durationMs;
  let started = 0;
  const more = () => (count === undefined || started < count) && performance.now() < deadline;
  const worker = async () => {
    while (more()) await send(agent, started++);
  };
  try {
    if (open) await Promise.all(Array.from({ length: concurrency }, () => open(agent)));
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return started;
}
