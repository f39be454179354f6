import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// The built module: it preloads the compiled probe (dist/src/harness/probe.js).
import { errorLine, get, VariantProcess } from '../../dist/src/harness/variant-process.js';

const dir = mkdtempSync(join(tmpdir(), 'devcap-variant-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A server that tells what it was given for the variable named in the path.
const file = join(dir, 'server.mjs');
writeFileSync(
  file,
  `import { createServer } from 'node:http';
const server = createServer((req, res) => res.end(String(process.env[req.url.slice(1)])));
server.listen(0, '127.0.0.1', () => process.send({ type: 'ready', port: server.address().port }));
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
`,
);

async function seenBy(env: Record<string, string>, name = 'REDIS_URL'): Promise<string> {
  const server = await VariantProcess.start({ name: 'env-test', file, env, readyPath: '/' });
  try {
    return (await get(server.port, `/${name}`)).body;
  } finally {
    await server.stop();
  }
}

describe('a server devcap starts', () => {
  it('never sees the user\'s REDIS_URL, only the Redis devcap provides', async () => {
    const saved = process.env.REDIS_URL;
    process.env.REDIS_URL = 'redis://10.0.0.1:6379';
    try {
      expect(await seenBy({})).toBe('undefined');
      expect(await seenBy({ REDIS_URL: 'redis://127.0.0.1:41000' })).toBe('redis://127.0.0.1:41000');
    } finally {
      if (saved === undefined) delete process.env.REDIS_URL;
      else process.env.REDIS_URL = saved;
    }
  });

  it("never sees the shell's NODE_ENV (vitest sets test, a deploy shell production): the lesson must not change with it", async () => {
    // vitest runs this file with NODE_ENV=test, the case that silenced Express's error log in lab 6
    expect(process.env.NODE_ENV).toBe('test');
    expect(await seenBy({}, 'NODE_ENV')).toBe('undefined');
    expect(await seenBy({ NODE_ENV: 'production' }, 'NODE_ENV')).toBe('production');
    process.env.DEVCAP_NODE_ENV = 'production';
    try {
      expect(await seenBy({}, 'NODE_ENV')).toBe('production');
    } finally {
      delete process.env.DEVCAP_NODE_ENV;
    }
  });

  it('gets the extra node flags it is started with, before its file', async () => {
    const server = await VariantProcess.start({ name: 'flags-test', file, env: {}, readyPath: '/', nodeArgs: ['--stack-size=2000'] });
    try {
      const args = readFileSync(`/proc/${server.pid}/cmdline`, 'utf8').split('\0');
      expect(args.indexOf('--stack-size=2000')).toBeGreaterThan(0);
      expect(args.indexOf('--stack-size=2000')).toBeLessThan(args.indexOf(file));
    } finally {
      await server.stop();
    }
  });

  it("names the error a crashed server died of, not node's version line", async () => {
    const broken = join(dir, 'broken.mjs');
    writeFileSync(broken, "throw new TypeError('the learner\\'s bug');\n");
    await expect(VariantProcess.start({ name: 'crash-test', file: broken, env: {}, readyPath: '/' })).rejects.toMatchObject({
      code: 'DEVCAP_VARIANT_CRASHED',
      message: "crash-test exited (code 1): TypeError: the learner's bug",
    });
    // One line; the rest (the stack, node's version line) rides along for --debug.
    const error = (await VariantProcess.start({ name: 'crash-test', file: broken, env: {}, readyPath: '/' }).catch((failure: unknown) => failure)) as { message: string; detail?: string };
    expect(error.message).not.toContain('\n');
    expect(error.detail).toMatch(/TypeError: the learner's bug\n\s+at /);
  });
});

describe('errorLine', () => {
  it("is the error's own line, not a stack frame, node's version line or the inspected fields", () => {
    const printed = ['file:///x.mjs:1\nthrow err\n^\n\nError: read ECONNRESET\n    at TCP.onStreamRead (node:internal/stream_base_commons:218:20) {\n', "  errno: -104,\n  code: 'ECONNRESET'\n}\n\nNode.js v20.20.2\n"];
    expect(errorLine(printed)).toBe('Error: read ECONNRESET');
    expect(errorLine(['listening\n', 'bye\n'])).toBe('bye');
    expect(errorLine([])).toBe('');
  });
});

describe('the probe', () => {
  it('records the window second by second: a blocked second shows as its delay and a busy loop', async () => {
    const blocker = join(dir, 'blocker.mjs');
    writeFileSync(
      blocker,
      `import { createServer } from 'node:http';
const server = createServer((req, res) => {
  if (req.url === '/block') { const until = Date.now() + 400; while (Date.now() < until); }
  res.end('ok');
});
server.listen(0, '127.0.0.1', () => process.send({ type: 'ready', port: server.address().port }));
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
`,
    );
    const server = await VariantProcess.start({ name: 'probe-test', file: blocker, env: {}, readyPath: '/' });
    try {
      await server.probe('reset');
      await new Promise((resolve) => setTimeout(resolve, 1200)); // an idle second
      await get(server.port, '/block'); // then 400 ms with the loop blocked
      await new Promise((resolve) => setTimeout(resolve, 600)); // read before the third second is half over
      const { timeline } = await server.probe('read');
      expect(timeline.eventLoopDelayMaxMs).toHaveLength(2);
      expect(timeline.rssPeakBytes.every((bytes) => bytes > 1024 * 1024)).toBe(true);
      const [idle, blocked] = timeline.eventLoopDelayMaxMs as [number, number];
      expect(idle).toBeLessThan(100);
      expect(blocked).toBeGreaterThan(250);
      expect(timeline.eventLoopUtilization[1]!).toBeGreaterThan(timeline.eventLoopUtilization[0]! + 0.2);
    } finally {
      await server.stop();
    }
  });
});
