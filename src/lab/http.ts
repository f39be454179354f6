/**
 * devcap's own HTTP requests on loopback, in one place: readiness, warm-up, scenario steps
 * and the requests labs send in `drive` (lab 12's counted GETs, lab 5's time to first
 * byte). Every request has a bound on its whole wait, not only on socket idleness.
 *
 * Two clients stay apart on purpose: the side-stream pinger (its own thread, each ping timed
 * from when it was due) and the download client (multi-megabyte bodies counted, not kept).
 */
import { request, type Agent, type IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import { HarnessError } from '../errors.js';

export interface HttpRequest {
  port: number;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** A keep-alive agent to reuse connections, or `false` for a fresh connection. */
  agent?: Agent | false;
  /** The client's own address on a fresh connection (a loopback one, e.g. 127.0.0.2: a second client); an agent has its own. */
  localAddress?: string;
  /** The whole wait, from sending to the last byte. */
  timeoutMs: number;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as text; empty when `discardBody` was asked for. */
  body: string;
  elapsedMs: number;
}

/** A request that got no complete answer: refused, reset (DEVCAP_HTTP_FAILED), or too slow (DEVCAP_HTTP_TIMEOUT). */
export class HttpFailure extends HarnessError {
  constructor(code: FailureCode, message: string) {
    super(code, message);
    this.name = 'HttpFailure';
  }
}

const describe = (options: HttpRequest) => `${options.method ?? 'GET'} ${options.path}`;

type FailureCode = 'DEVCAP_HTTP_FAILED' | 'DEVCAP_HTTP_TIMEOUT';

/**
 * A promise's outcome, decided once: the first of an answer, an error or the deadline wins,
 * the deadline is cleared, and `after` runs (hanging up, for a request that is done with).
 */
function once(timeoutMs: number, onTimeout: () => void, after: () => void = () => {}) {
  let settled = false;
  const timer = setTimeout(onTimeout, timeoutMs);
  return (outcome: () => void) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    outcome();
    after();
  };
}

/** One request; resolves once the whole body has arrived (read as text, or thrown away). */
export function send(options: HttpRequest & { discardBody?: boolean }): Promise<HttpAnswer> {
  const sent = performance.now();
  return new Promise((resolve, reject) => {
    const settle = once(options.timeoutMs, () => {
      fail(`no answer within ${formatMs(options.timeoutMs)}`, 'DEVCAP_HTTP_TIMEOUT');
      req.destroy();
    });
    const fail = (message: string, code: FailureCode = 'DEVCAP_HTTP_FAILED') => settle(() => reject(new HttpFailure(code, `${describe(options)}: ${message}`)));
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-length'] ??= String(Buffer.byteLength(options.body));
    const req = request(
      {
        host: '127.0.0.1',
        port: options.port,
        path: options.path,
        method: options.method ?? 'GET',
        headers,
        agent: options.agent ?? false,
        ...(options.localAddress && !options.agent ? { localAddress: options.localAddress } : {}),
      },
      (res) => {
        let body = '';
        if (options.discardBody) res.resume();
        else res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => settle(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, elapsedMs: performance.now() - sent })));
        res.on('error', (error) => fail(error.message));
        res.on('aborted', () => fail('the answer was cut off'));
      },
    );
    req.on('error', (error) => fail(error.message));
    req.end(options.body);
  });
}

/**
 * One GET on a fresh connection: milliseconds until the first byte of the body arrives;
 * then it hangs up. An answer that ends (or breaks) before its first byte is a failure,
 * not a wait that never ends.
 */
export function timeToFirstByte(port: number, path: string, timeoutMs = 30_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const settle = once(
      timeoutMs,
      () => fail(`sent no body within ${formatMs(timeoutMs)}`, 'DEVCAP_HTTP_TIMEOUT'),
      () => req.destroy(),
    );
    const fail = (message: string, code: FailureCode = 'DEVCAP_HTTP_FAILED') => settle(() => reject(new HttpFailure(code, `GET ${path} ${message}`)));
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.once('data', () => settle(() => resolve(performance.now() - started)));
      res.once('end', () => fail(`answered ${res.statusCode} with an empty body`));
      res.once('error', (error) => fail(`failed: ${error.message}`));
    });
    req.on('error', (error) => fail(`failed: ${error.message}`));
    req.on('close', () => fail('failed: the connection closed before the first byte'));
    req.end();
  });
}

function formatMs(ms: number): string {
  return `${ms / 1000} s`;
}
