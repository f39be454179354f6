import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'devcap-serve-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A server that takes over every upgraded connection and keeps it open, as a WebSocket server does.
const serveModule = pathToFileURL(join(import.meta.dirname, '../../dist/src/lab/serve.js')).href;
writeFileSync(
  join(dir, 'upgrade.mjs'),
  `import { createServer } from 'node:http';
import { serve } from ${JSON.stringify(serveModule)};
const server = createServer((req, res) => res.end('ok'));
server.on('upgrade', (req, socket) => socket.write('HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: test\\r\\nConnection: Upgrade\\r\\n\\r\\n'));
serve(server);
`,
);

describe('serve', () => {
  it('exits promptly on SIGTERM even with an upgraded connection open', async () => {
    const child = fork(join(dir, 'upgrade.mjs'), { stdio: 'ignore' });
    try {
      const port = await new Promise<number>((resolve) => child.once('message', (message) => resolve((message as { port: number }).port)));
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => {});
      socket.write('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n');
      await new Promise((resolve) => socket.once('data', resolve));
      const started = Date.now();
      child.kill('SIGTERM');
      const code = await Promise.race([new Promise((resolve) => child.once('exit', resolve)), new Promise((resolve) => setTimeout(() => resolve('still running'), 3000))]);
      expect(code).toBe(0);
      // Without closing upgraded sockets, close() would wait for the client for ever.
      expect(Date.now() - started).toBeLessThan(2000);
      socket.destroy();
    } finally {
      child.kill('SIGKILL');
    }
  });
});
