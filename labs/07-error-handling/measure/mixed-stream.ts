/**
 * The lab's own client for "what do clients lose when the process dies": an open-loop
 * stream of GETs, sent on a fixed schedule whatever the server does, so the count of
 * requests is known in advance and a dead server cannot slow the stream down (a
 * closed-loop generator such as autocannon would just spin on refused connections).
 * Every `badEvery`-th request asks for a malformed id.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface StreamOptions {
  port: number;
  ratePerSec: number;
  requests: number;
  badEvery: number;
  /** Index of the first malformed request; then every `badEvery`. */
  firstBad: number;
}

export interface StreamOutcome {
  /** Answered with the status its id deserves: 200 for a product, 400 for a malformed id. */
  servedFraction: number;
  /** The rest: no answer (connection reset or refused, timeout) or the wrong status. */
  lostFraction: number;
  requestsLost: number;
  /** Lost on a connection the server had accepted: the requests in flight when it died. */
  lostInFlight: number;
  /** Refused: the server was no longer listening. */
  lostRefused: number;
  /** When the first lost request was sent, from the start of the stream. */
  firstLossMs?: number;
  /** When the first connection error arrived: the moment the process died, as clients saw it. */
  diedAtMs?: number;
}

const TIMEOUT_MS = 10_000;
const CONNECTIONS = 32;

const isBad = (index: number, options: StreamOptions) => index >= options.firstBad && (index - options.firstBad) % options.badEvery === 0;

function get(agent: Agent, port: number, path: string): Promise<{ status: number } | { error: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent, timeout: TIMEOUT_MS }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      res.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end();
  });
}

export async function runMixedStream(options: StreamOptions): Promise<StreamOutcome> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const intervalMs = 1000 / options.ratePerSec;
  // The clients are connected before the stream starts, as they are to a server that has
  // been up for a while: requests then reach it in the order they were sent.
  await Promise.all(Array.from({ length: CONNECTIONS }, () => get(agent, options.port, '/ping')));
  const started = performance.now();
  const pending: Array<Promise<{ sentMs: number; settledMs: number; served: boolean; error?: string }>> = [];
  try {
    for (let index = 0; index < options.requests; index++) {
      const due = started + index * intervalMs;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const bad = isBad(index, options);
      const path = bad ? '/api/products/not-a-number' : `/api/products/${1 + ((index * 7) % 2000)}`;
      const expected = bad ? 400 : 200;
      const sentMs = performance.now() - started;
      pending.push(
        get(agent, options.port, path).then((outcome) => ({
          sentMs,
          settledMs: performance.now() - started,
          served: 'status' in outcome && outcome.status === expected,
          error: 'error' in outcome ? outcome.error : undefined,
        })),
      );
    }
    const outcomes = await Promise.all(pending);
    const lost = outcomes.filter((outcome) => !outcome.served);
    const failed = lost.filter((outcome) => outcome.error !== undefined);
    return {
      servedFraction: (outcomes.length - lost.length) / outcomes.length,
      lostFraction: lost.length / outcomes.length,
      requestsLost: lost.length,
      lostInFlight: lost.filter((outcome) => outcome.error === 'ECONNRESET').length,
      lostRefused: lost.filter((outcome) => outcome.error === 'ECONNREFUSED').length,
      ...(lost.length ? { firstLossMs: Math.min(...lost.map((outcome) => outcome.sentMs)) } : {}),
      ...(failed.length ? { diedAtMs: Math.min(...failed.map((outcome) => outcome.settledMs)) } : {}),
    };
  } finally {
    agent.destroy();
  }
}
