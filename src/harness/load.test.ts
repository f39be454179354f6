import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { countServed, warmUp } from './load.js';
import { invalidity } from './run-lab.js';

describe('countServed', () => {
  it('counts 2xx by default', () => {
    expect(countServed({ 200: 5, 204: 1, 429: 3, 500: 2 })).toBe(6);
  });
  it('counts only the expected statuses when a lab names them (e.g. 429s under a limiter)', () => {
    expect(countServed({ 200: 5, 429: 3, 500: 2 }, [200, 429])).toBe(8);
  });
});

describe('invalidity', () => {
  const stream = (statusCounts: Record<string, number>, errors = 0, timeouts = 0) => ({
    requests: 0,
    served: 0,
    requestsPerSec: 0,
    latencyP50Ms: 1,
    latencyP99Ms: 1,
    latencyMaxMs: 1,
    statusCounts,
    errors,
    timeouts,
  });
  const load = (primary: ReturnType<typeof stream>, side?: ReturnType<typeof stream>) => ({ primary, side, durationSec: 1, generatorCpuCores: 0.2 });

  it('accepts a run whose answers are all expected, with errors under 1%', () => {
    expect(invalidity(load(stream({ 200: 1000 }, 5), stream({ 200: 200 })), '/work', undefined, '/ping')).toBeNull();
    expect(invalidity(load(stream({ 200: 10, 429: 90 })), '/api', [200, 429], undefined)).toBeNull();
  });

  it('names the stream, path and status counts of a run with wrong answers', () => {
    expect(invalidity(load(stream({ 500: 37 }), stream({ 200: 200 })), '/work', undefined, '/ping')).toBe('/work answered 37 × 500 (expected 2xx)');
    expect(invalidity(load(stream({ 200: 50 }), stream({ 200: 190, 503: 10 })), '/work', undefined, '/ping')).toBe('/ping answered 190 × 200, 10 × 503 (expected 2xx)');
  });

  it('refuses a run with no answer, or errors and timeouts above 1%', () => {
    expect(invalidity(load(stream({}, 12)), '/work', undefined, undefined)).toBe('/work got no answer (12 errors or timeouts)');
    expect(invalidity(load(stream({ 200: 90 }, 5, 5)), '/work', undefined, undefined)).toBe('/work had 10 errors or timeouts in 100 requests');
  });
});

describe('warmUp', () => {
  async function server(delayMs: number) {
    let answered = 0;
    const http = createServer((_req, res) => setTimeout(() => (answered++, res.end('ok')), delayMs));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    return { port: (http.address() as AddressInfo).port, answered: () => answered, close: () => new Promise((resolve) => http.close(resolve)) };
  }

  it('sends every request of a fast server', async () => {
    const fast = await server(0);
    try {
      await warmUp({ port: fast.port, path: '/', connections: 4, count: 200 });
      expect(fast.answered()).toBe(200);
    } finally {
      await fast.close();
    }
  });

  it('stops at its time limit on a slow one, with requests left', async () => {
    // 20 ms an answer on one connection: 1,000 requests would take 20 s; the limit ends it.
    const slow = await server(20);
    try {
      await warmUp({ port: slow.port, path: '/', connections: 1, count: 1000, timeoutMs: 300 });
      expect(slow.answered()).toBeGreaterThan(0);
      expect(slow.answered()).toBeLessThan(1000);
    } finally {
      await slow.close();
    }
  });
});
