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
  /**
   * Answered within ANSWER_BOUND_MS with the status its id deserves, and for a product the
   * product asked for: 200 and that id, 400 for a malformed id.
   */
  servedFraction: number;
  /** The rest: no answer (connection reset or refused, no answer within the bound), the wrong status or the wrong product. */
  lostFraction: number;
  requestsLost: number;
  /** Lost on a connection the server had accepted: the requests in flight when it died. */
  lostInFlight: number;
  /** Refused: the server was no longer listening. */
  lostRefused: number;
  /** Hung: the connection stayed open and no answer came within the bound. A hung request is a lost one. */
  lostHung: number;
  /** When the first lost request was sent, from the start of the stream. */
  firstLossMs?: number;
  /** When the first connection error arrived: the moment the process died, as clients saw it. */
  diedAtMs?: number;
}

/**
 * A request not answered within this is lost: a server that keeps its process alive but
 * never answers a bad id (an unhandledRejection handler that only logs) has not kept serving.
 * Two seconds is hundreds of times a product's answer here, even on a busy machine.
 */
export const ANSWER_BOUND_MS = 2000;
const CONNECTIONS = 32;

const isBad = (index: number, options: StreamOptions) => index >= options.firstBad && (index - options.firstBad) % options.badEvery === 0;

function get(agent: Agent, port: number, path: string): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent, timeout: ANSWER_BOUND_MS }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    });
    // The socket's idle timeout: no byte of an answer within the bound.
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end();
  });
}

/** The id of the product an answer holds, if it holds one. */
function productIdOf(body: string): number | undefined {
  try {
    return (JSON.parse(body) as { id?: number }).id;
  } catch {
    return undefined;
  }
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
      const id = 1 + ((index * 7) % 2000);
      const path = bad ? '/api/products/not-a-number' : `/api/products/${id}`;
      const expected = bad ? 400 : 200;
      const sentMs = performance.now() - started;
      pending.push(
        get(agent, options.port, path).then((outcome) => ({
          sentMs,
          settledMs: performance.now() - started,
          served: 'status' in outcome && outcome.status === expected && (bad || productIdOf(outcome.body) === id),
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
      lostHung: lost.filter((outcome) => outcome.error === 'ETIMEDOUT').length,
      ...(lost.length ? { firstLossMs: Math.min(...lost.map((outcome) => outcome.sentMs)) } : {}),
      ...(failed.length ? { diedAtMs: Math.min(...failed.map((outcome) => outcome.settledMs)) } : {}),
    };
  } finally {
    agent.destroy();
  }
}
