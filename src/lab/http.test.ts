import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { send, timeToFirstByte } from './http.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
});

async function start(handler: RequestListener): Promise<number> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('timeToFirstByte', () => {
  it('times the first byte of the body', async () => {
    const port = await start((req, res) => setTimeout(() => res.end('x'), 30));
    expect(await timeToFirstByte(port, '/file', 2000)).toBeGreaterThanOrEqual(25);
  });

  it('an answer with no body is an error, not a wait that never ends', async () => {
    const port = await start((req, res) => res.writeHead(404).end());
    await expect(timeToFirstByte(port, '/file', 2000)).rejects.toThrow('GET /file answered 404 with an empty body');
  });

  it('headers and then silence: gives up after its timeout', async () => {
    const port = await start((req, res) => res.writeHead(200).flushHeaders());
    await expect(timeToFirstByte(port, '/file', 300)).rejects.toThrow('GET /file sent no body within 0.3 s');
  });

  it('a connection closed before the first byte is an error', async () => {
    const port = await start((req) => req.socket.destroy());
    await expect(timeToFirstByte(port, '/file', 2000)).rejects.toThrow(/socket hang up|closed before the first byte/);
  });
});

describe('send', () => {
  it('answers status, headers and the whole body, with a content-length for a body it sends', async () => {
    const port = await start((req, res) => {
      let text = '';
      req.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      req.on('end', () => res.setHeader('x-length', req.headers['content-length'] ?? 'none').end(`got ${text}`));
    });
    const answer = await send({ port, path: '/echo', method: 'POST', body: 'héllo', timeoutMs: 2000 });
    expect(answer).toMatchObject({ status: 200, body: 'got héllo' });
    expect(answer.headers['x-length']).toBe('6');
    expect(answer.elapsedMs).toBeGreaterThan(0);
  });

  it('throws the body away when asked, and still waits for its end', async () => {
    const port = await start((req, res) => res.end('x'.repeat(100_000)));
    expect(await send({ port, path: '/', timeoutMs: 2000, discardBody: true })).toMatchObject({ status: 200, body: '' });
  });

  it('bounds the whole wait: an answer that starts and never ends times out', async () => {
    const port = await start((req, res) => res.writeHead(200).write('partial'));
    await expect(send({ port, path: '/slow', timeoutMs: 300 })).rejects.toMatchObject({ code: 'DEVCAP_HTTP_TIMEOUT', message: 'GET /slow: no answer within 0.3 s' });
  });

  it('a refused connection is a failure with its reason', async () => {
    const port = await start(() => {});
    server!.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(send({ port, path: '/', timeoutMs: 2000 })).rejects.toMatchObject({ code: 'DEVCAP_HTTP_FAILED', message: expect.stringMatching(/ECONNREFUSED/) });
  });
});
