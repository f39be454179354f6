import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { timeToFirstByte } from './time-to-first-byte.js';

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
