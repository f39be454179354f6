import autocannon from 'autocannon';
import { Agent, request } from 'node:http';
import type { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { createHash } from 'node:crypto';
import { send } from '../lab/http.js';
import type { ExpectedAnswer } from '../lab/types.js';
import { AnswerTally, problemWith, requestName, type AnswerCount } from './answers.js';
import { percentile, Pinger, type PingResult } from './pinger.js';

export interface StreamResult {
  requests: number;
  served: number;
  requestsPerSec: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  statusCounts: Record<string, number>;
  errors: number;
  timeouts: number;
  /** The answers with an expected status, checked against what a correct one is. */
  answers: AnswerCount;
}

/** A request of the measured stream, complete, with its correct answer. */
export interface CheckedRequest {
  path: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  expect: ExpectedAnswer;
}

export interface LoadResult {
  primary: StreamResult;
  side?: StreamResult;
  durationSec: number;
  /** CPU the generator (this process) used, in cores: near 1, it is the bottleneck. */
  generatorCpuCores: number;
  /** Body bytes received per second (download client only). */
  bytesPerSec?: number;
}

export interface LoadOptions {
  /** `autocannon` (default), or `download` for large bodies (see runDownloads). */
  client?: 'autocannon' | 'download';
  port: number;
  path: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  durationSec: number;
  expectStatus?: number[];
  /**
   * The requests to send in turn, each with its correct answer; without them, `path`,
   * `method`, `headers` and `body` are sent and answers are not checked (`devcap profile`).
   */
  requests?: CheckedRequest[];
  /** Check one answer in this many (default 1: every one). */
  checkEvery?: number;
  side?: { path: string; ratePerSec: number; expectBody?: string };
  /** Called about once a second with the primary stream's requests in that second. */
  onTick?: (requestsInLastSecond: number) => void;
}

const NOT_CHECKED: AnswerCount = { checked: 0, wrong: 0, firstWrong: null };

/** The status a stream counts as served, for one answer. */
const servedStatus = (expectStatus: number[] | undefined) => (status: number) => (expectStatus ? expectStatus.includes(status) : status >= 200 && status < 300);

/** A generator using ~0.9 of a core or more cannot push harder: the run says so. */
export const GENERATOR_BOUND_CORES = 0.9;

/** Only ever loopback, always bounded by duration. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const url = `http://127.0.0.1:${options.port}`;
  // The side connection is opened first, so its first measured ping does not pay for the handshake.
  const pinger = options.side ? new Pinger(options.port, options.side.path, options.side.ratePerSec, undefined, options.side.expectBody) : undefined;
  await pinger?.start();
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  if (options.client === 'download') {
    const downloads = await runDownloads(options);
    const pings = await pinger?.stop();
    const cpu = process.cpuUsage(cpuStart);
    const wallMs = performance.now() - wallStart;
    return {
      primary: downloads.stream,
      side: pings ? summarisePings(pings, downloads.durationSec) : undefined,
      durationSec: downloads.durationSec,
      generatorCpuCores: (cpu.user + cpu.system) / 1000 / wallMs,
      bytesPerSec: downloads.bytes / downloads.durationSec,
    };
  }

  // Each answer is checked as autocannon hands it over (it reads every body anyway): an
  // answer with an expected status whose body is wrong counts here; a wrong status counts
  // in the status codes.
  const tally = new AnswerTally(options.checkEvery);
  const served = servedStatus(options.expectStatus);
  const requests = options.requests?.map((entry) => {
    const name = requestName(entry);
    return {
      path: entry.path,
      method: entry.method,
      headers: entry.headers,
      body: entry.body,
      onResponse: (status: number, body: string, _context: unknown, headers: Record<string, string | string[]>) => {
        if (served(status)) tally.check(name, entry.expect, { status, body, headers }, options.expectStatus);
      },
    };
  });
  // Called without a callback, autocannon returns an EventEmitter that is also a thenable.
  const primary = autocannon({
    url: url + options.path,
    method: options.method ?? 'GET',
    headers: options.headers,
    body: options.body,
    ...(requests ? { requests } : {}),
    connections: options.connections,
    duration: options.durationSec,
  } as autocannon.Options) as unknown as Promise<autocannon.Result> & EventEmitter;
  if (options.onTick) {
    const onTick = options.onTick;
    primary.on('tick', ({ counter }: { counter: number }) => onTick(counter));
  }
  const primaryResult = await primary;
  const pings = await pinger?.stop();
  const cpu = process.cpuUsage(cpuStart);
  const wallMs = performance.now() - wallStart;
  return {
    primary: { ...summarise(primaryResult, options.expectStatus), answers: requests ? tally.count() : NOT_CHECKED },
    side: pings ? summarisePings(pings, primaryResult.duration) : undefined,
    durationSec: primaryResult.duration,
    generatorCpuCores: (cpu.user + cpu.system) / 1000 / wallMs,
  };
}

/**
 * A warm-up ends after this long even if requests are left: a slow server (a control that
 * works 3 ms per request, a learner's file) is warm long before it has answered the 2,000
 * requests a fast one needs, and those cost lab 1's control 6 s a round. The labs' own
 * variants finish their warm-ups in under 0.5 s.
 */
export const WARMUP_LIMIT_MS = 2000;

/**
 * Warm-up, thrown away: `count` requests over `connections` keep-alive connections, or
 * `timeoutMs` (default WARMUP_LIMIT_MS), whichever comes first, so JIT, pools and sockets
 * are ready. Sent directly because autocannon only stops on whole seconds.
 */
export async function warmUp(
  options: Pick<LoadOptions, 'port' | 'path' | 'method' | 'headers' | 'body' | 'connections' | 'requests' | 'expectStatus'> & { count: number; timeoutMs?: number },
): Promise<AnswerCount> {
  const tally = new AnswerTally();
  if (options.count <= 0) return tally.count();
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const deadline = performance.now() + (options.timeoutMs ?? WARMUP_LIMIT_MS);
  const requests = options.requests;
  let remaining = options.count;
  let next = 0;
  const worker = async () => {
    while (remaining > 0 && performance.now() < deadline) {
      remaining--;
      const entry = requests?.[next++ % requests.length];
      // A warm-up answer that never comes must not hold the run past its deadline; a failed
      // one is thrown away like the rest. Its answer is checked like the load's: a server
      // that warms up wrong is wrong.
      const timeoutMs = Math.max(1, deadline - performance.now());
      const request = entry ?? { path: options.path, method: options.method, headers: options.headers, body: options.body };
      const answer = await send({ port: options.port, ...request, agent, timeoutMs, discardBody: !entry }).catch(() => null);
      if (entry && answer) tally.record(requestName(entry), problemWith(entry.expect, answer, options.expectStatus));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.connections, options.count) }, worker));
  } finally {
    agent.destroy();
  }
  return tally.count();
}

/**
 * The download client: `connections` keep-alive connections, each sending the next GET as
 * soon as the last body has arrived, counting body bytes and throwing them away. autocannon
 * keeps every body as a string, which caps it near 100–150 MB/s of CPU-bound parsing here;
 * for multi-megabyte answers the generator, not the server, would set the pace. New requests
 * stop after `durationSec`; requests in flight finish (bounded by a 30 s timeout).
 */
export async function runDownloads(options: LoadOptions): Promise<{ stream: StreamResult; durationSec: number; bytes: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const started = performance.now();
  const stopAt = started + options.durationSec * 1000;
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  let bytes = 0;
  let errors = 0;
  let timeouts = 0;
  // Every body's size is counted; the sample's are hashed as they stream (hashing every
  // 64 MiB answer would make the generator the limit).
  const tally = new AnswerTally(options.checkEvery);
  const isServed = servedStatus(options.expectStatus);
  let next = 0;
  const once = () =>
    new Promise<void>((resolve) => {
      const sent = performance.now();
      const entry = options.requests?.[next++ % options.requests.length];
      const target = entry ?? { path: options.path, method: options.method ?? 'GET' };
      const req = request(
        { host: '127.0.0.1', port: options.port, path: target.path, method: target.method ?? 'GET', agent, timeout: 30_000 },
        (res) => {
          const status = res.statusCode ?? 0;
          const checks = entry !== undefined && isServed(status) && tally.takes();
          const hash = checks && entry.expect.sha256 !== undefined ? createHash('sha256') : undefined;
          let received = 0;
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            received += chunk.length;
            hash?.update(chunk);
          });
          res.on('end', () => {
            latencies.push(performance.now() - sent);
            statusCounts[String(status)] = (statusCounts[String(status)] ?? 0) + 1;
            if (checks) tally.record(requestName(target), downloadProblem(entry.expect, status, received, hash?.digest('hex')));
            resolve();
          });
          res.on('error', () => {
            errors++;
            resolve();
          });
        },
      );
      req.on('timeout', () => {
        timeouts++;
        req.destroy();
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end();
    });
  const worker = async () => {
    while (performance.now() < stopAt) await once();
  };
  try {
    await Promise.all(Array.from({ length: options.connections }, worker));
  } finally {
    agent.destroy();
  }
  const durationSec = (performance.now() - started) / 1000;
  const served = countServed(statusCounts, options.expectStatus);
  return {
    durationSec,
    bytes,
    stream: {
      requests: latencies.length,
      served,
      requestsPerSec: served / durationSec,
      latencyP50Ms: percentile(latencies, 50),
      latencyP99Ms: percentile(latencies, 99),
      latencyMaxMs: latencies.length ? Math.max(...latencies) : Number.NaN,
      statusCounts,
      errors,
      timeouts,
      answers: options.requests ? tally.count() : NOT_CHECKED,
    },
  };
}

/** A downloaded body is right when its size and its hash are the expected ones. */
export function downloadProblem(expect: ExpectedAnswer, status: number, bytes: number, sha256: string | undefined): string | null {
  if (expect.status !== undefined && status !== expect.status) return `status ${status}, expected ${expect.status}`;
  if (expect.bytes !== undefined && bytes !== expect.bytes) return `${bytes.toLocaleString('en-US')} bytes, expected ${expect.bytes.toLocaleString('en-US')}`;
  if (expect.sha256 !== undefined && sha256 !== expect.sha256) return `SHA-256 ${sha256?.slice(0, 12)}…, expected ${expect.sha256.slice(0, 12)}…`;
  return null;
}

/** Responses that count as served: the expected statuses, or any 2xx. */
export function countServed(statusCounts: Record<string, number>, expectStatus?: number[]): number {
  const isServed = expectStatus ? (code: number) => expectStatus.includes(code) : (code: number) => code >= 200 && code < 300;
  return Object.entries(statusCounts).reduce((sum, [code, count]) => sum + (isServed(Number(code)) ? count : 0), 0);
}

function summarisePings(pings: PingResult, durationSec: number): StreamResult {
  const served = countServed(pings.statusCounts);
  return {
    requests: pings.scheduled,
    served,
    requestsPerSec: served / (durationSec > 0 ? durationSec : 1),
    latencyP50Ms: percentile(pings.latenciesMs, 50),
    latencyP99Ms: percentile(pings.latenciesMs, 99),
    latencyMaxMs: pings.latenciesMs.length ? Math.max(...pings.latenciesMs) : Number.NaN,
    statusCounts: pings.statusCounts,
    errors: pings.errors,
    timeouts: pings.timeouts,
    answers: pings.answers,
  };
}

function summarise(result: autocannon.Result, expectStatus?: number[]): StreamResult {
  const statusCounts: Record<string, number> = {};
  const stats = (result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {};
  for (const [code, { count }] of Object.entries(stats)) statusCounts[code] = count;
  const served = countServed(statusCounts, expectStatus);
  const durationSec = result.duration > 0 ? result.duration : 1;
  return {
    requests: result.requests.total,
    served,
    requestsPerSec: served / durationSec,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
    statusCounts,
    errors: result.errors,
    timeouts: result.timeouts,
    answers: NOT_CHECKED,
  };
}
