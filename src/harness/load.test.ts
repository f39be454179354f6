import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { countServed, runLoad, warmUp } from './load.js';

describe('countServed', () => {
  it('counts 2xx by default', () => {
    expect(countServed({ 200: 5, 204: 1, 429: 3, 500: 2 })).toBe(6);
  });
  it('counts only the expected statuses when a lab names them (e.g. 429s under a limiter)', () => {
    expect(countServed({ 200: 5, 429: 3, 500: 2 }, [200, 429])).toBe(8);
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

describe('answers are checked on every stream', () => {
  /** Answers `/right` with "ok", `/wrong` with "nope", `/big` with 200,000 bytes of "x", `/ping` with what `ping` says. */
  async function server(ping = 'pong') {
    const http = createServer((req, res) => {
      if (req.url === '/big') return res.end('x'.repeat(200_000));
      if (req.url === '/ping') return res.end(ping);
      res.end(req.url === '/right' ? 'ok' : 'nope');
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    return { port: (http.address() as AddressInfo).port, close: () => new Promise((resolve) => http.close(resolve)) };
  }
  const expectOk = (path: string) => ({ path, method: 'GET' as const, expect: { body: 'ok' } });

  it('counts the wrong answers of a warm-up that goes through several requests', async () => {
    const http = await server();
    try {
      const count = await warmUp({ port: http.port, path: '/right', connections: 2, count: 10, requests: [expectOk('/right'), expectOk('/wrong')] });
      expect(count).toEqual({ checked: 10, wrong: 5, firstWrong: 'GET /wrong: body "nope", expected "ok"' });
    } finally {
      await http.close();
    }
  });

  it('counts every answer of the load, and each wrong one, with autocannon', async () => {
    const http = await server();
    try {
      const right = await runLoad({ port: http.port, path: '/right', connections: 2, durationSec: 1, requests: [expectOk('/right')] });
      expect(right.primary.answers.checked).toBe(right.primary.requests);
      expect(right.primary.answers.wrong).toBe(0);
      const mixed = await runLoad({ port: http.port, path: '/right', connections: 2, durationSec: 1, requests: [expectOk('/right'), expectOk('/wrong')] });
      expect(mixed.primary.answers.wrong).toBeGreaterThan(0.4 * mixed.primary.answers.checked);
      expect(mixed.primary.answers.firstWrong).toBe('GET /wrong: body "nope", expected "ok"');
    } finally {
      await http.close();
    }
  });

  it("checks a download's size and hash as it streams, one answer in `checkEvery`", async () => {
    const http = await server();
    const body = 'x'.repeat(200_000);
    const sha256 = createHash('sha256').update(body).digest('hex');
    try {
      const right = await runLoad({ client: 'download', port: http.port, path: '/big', connections: 2, durationSec: 1, checkEvery: 3, requests: [{ path: '/big', method: 'GET', expect: { bytes: 200_000, sha256 } }] });
      expect(right.primary.answers.wrong).toBe(0);
      expect(right.primary.answers.checked).toBe(Math.ceil(right.primary.requests / 3));
      const truncated = await runLoad({ client: 'download', port: http.port, path: '/big', connections: 1, durationSec: 1, requests: [{ path: '/big', method: 'GET', expect: { bytes: 300_000 } }] });
      expect(truncated.primary.answers.wrong).toBe(truncated.primary.answers.checked);
      expect(truncated.primary.answers.firstWrong).toBe('GET /big: 200,000 bytes, expected 300,000');
    } finally {
      await http.close();
    }
  });

  it('checks the side stream against its body in its own thread', async () => {
    // The pinger's thread runs compiled JavaScript: this test drives the built module.
    const built = (await import(new URL('../../dist/src/harness/load.js', import.meta.url).href)) as typeof import('./load.js');
    const http = await server('pang');
    try {
      const result = await built.runLoad({ port: http.port, path: '/right', connections: 1, durationSec: 1, requests: [expectOk('/right')], side: { path: '/ping', ratePerSec: 50, expectBody: 'pong' } });
      expect(result.side!.answers.checked).toBeGreaterThan(20);
      expect(result.side!.answers.wrong).toBe(result.side!.answers.checked);
      expect(result.side!.answers.firstWrong).toBe('GET /ping: body "pang", expected "pong"');
    } finally {
      await http.close();
    }
  });
});
