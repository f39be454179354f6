import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// The built modules: they preload the compiled probe (dist/src/harness/probe.js).
import { get } from '../../dist/src/harness/variant-process.js';
import { VariantGroup } from '../../dist/src/harness/variant-group.js';
import { commandLine } from '../../dist/src/harness/ownership.js';
import type { LoadedLab } from '../lab/registry.js';
import type { AnyLab } from '../lab/types.js';
import type { RunConfig } from '../report/result.js';

const dir = mkdtempSync(join(tmpdir(), 'devcap-group-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A server that answers GET /NAME with its environment variable NAME, and /pid with its pid.
writeFileSync(
  join(dir, 'echo.mjs'),
  `import { createServer } from 'node:http';
const server = createServer((req, res) => res.end(req.url === '/pid' ? String(process.pid) : String(process.env[req.url.slice(1)])));
server.listen(Number(process.env.DEVCAP_PORT ?? 0), '127.0.0.1', () => process.send({ type: 'ready', port: server.address().port }));
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
`,
);

const lab = {
  slug: 'group-test',
  params: { size: { env: 'SIZE', default: 3, summary: 'a parameter' } },
  workload: { readyPath: '/pid' },
  variants: {
    api: {
      file: 'echo.mjs',
      summary: 'the server',
      env: { ROLE: 'api' },
      companions: {
        worker: { file: 'echo.mjs', summary: 'two workers', count: 2, readyPath: '/pid', env: { ROLE: 'worker' } },
        clients: { file: 'echo.mjs', summary: 'a client of the server', readyPath: '/pid', start: 'after' },
      },
    },
  },
} as unknown as AnyLab;
const loaded = { lab, folder: 'group-test', compiledDir: dir, readmePath: '', variantPath: () => join(dir, 'echo.mjs'), servicePath: () => '' } as LoadedLab;
const config = { params: { size: 3 }, substitutes: {} } as unknown as RunConfig;

const alive = (pid: number) => commandLine(pid) !== null;

describe('a variant with companions', () => {
  it('starts workers before the server and gives it their URLs, clients after it with its URL, and stops them all', async () => {
    const group = await VariantGroup.start(loaded, 'api', config, { DATABASE_URL: 'http://127.0.0.1:1' });
    const pids: number[] = [];
    try {
      const workers = group.companions.worker!;
      expect(workers.map((worker) => worker.index)).toEqual([0, 1]);
      const urls = (await get(group.port, '/WORKER_URLS')).body.split(',');
      expect(urls.sort()).toEqual(workers.map((worker) => `http://127.0.0.1:${worker.port}`).sort());
      expect((await get(group.port, '/WORKER_URL')).body).toBe(`http://127.0.0.1:${workers[0]!.port}`);
      // Every process has the services' URLs and the lab's parameters; each its own env.
      expect((await get(workers[1]!.port, '/DATABASE_URL')).body).toBe('http://127.0.0.1:1');
      expect((await get(workers[1]!.port, '/SIZE')).body).toBe('3');
      expect((await get(workers[1]!.port, '/ROLE')).body).toBe('worker');
      expect((await get(workers[1]!.port, '/COMPANION_INDEX')).body).toBe('1');
      const client = group.companions.clients![0]!;
      expect((await get(client.port, '/SERVER_URL')).body).toBe(`http://127.0.0.1:${group.port}`);
      expect((await get(group.port, '/SERVER_URL')).body).toBe('undefined');
      for (const port of [group.port, ...workers.map((worker) => worker.port), client.port]) pids.push(Number((await get(port, '/pid')).body));
      expect(pids.every(alive)).toBe(true);

      // A fault on cue: SIGKILL one worker; it is gone when kill resolves, and a replacement takes the next index.
      await workers[0]!.kill('SIGKILL');
      expect(workers[0]!.alive).toBe(false);
      expect(alive(pids[1]!)).toBe(false);
      const replacement = await group.startCompanion('worker');
      expect(replacement.index).toBe(2);
      pids.push(Number((await get(replacement.port, '/pid')).body));

      // A server restart: a new process on the same port.
      const port = group.port;
      await group.stopServer();
      await expect(get(port, '/pid', 500)).rejects.toThrow();
      await group.restartServer();
      const restarted = Number((await get(port, '/pid')).body);
      expect(restarted).not.toBe(pids[0]);
      pids.push(restarted);
      await expect(group.startCompanion('nobody')).rejects.toThrow(/no companion "nobody"/);
    } finally {
      await group.stop();
    }
    expect(pids.filter(alive)).toEqual([]);
  });
});
