import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// The built module: it preloads the compiled probe (dist/src/harness/probe.js).
import { get, VariantProcess } from '../../dist/src/harness/variant-process.js';

const dir = mkdtempSync(join(tmpdir(), 'devcap-variant-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A server that tells what REDIS_URL it was given.
const file = join(dir, 'server.mjs');
writeFileSync(
  file,
  `import { createServer } from 'node:http';
const server = createServer((req, res) => res.end(String(process.env.REDIS_URL)));
server.listen(0, '127.0.0.1', () => process.send({ type: 'ready', port: server.address().port }));
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
`,
);

async function redisUrlSeenBy(env: Record<string, string>): Promise<string> {
  const server = await VariantProcess.start({ name: 'env-test', file, env, readyPath: '/' });
  try {
    return (await get(server.port, '/')).body;
  } finally {
    await server.stop();
  }
}

describe('a server devcap starts', () => {
  it('never sees the user\'s REDIS_URL, only the Redis devcap provides', async () => {
    const saved = process.env.REDIS_URL;
    process.env.REDIS_URL = 'redis://10.0.0.1:6379';
    try {
      expect(await redisUrlSeenBy({})).toBe('undefined');
      expect(await redisUrlSeenBy({ REDIS_URL: 'redis://127.0.0.1:41000' })).toBe('redis://127.0.0.1:41000');
    } finally {
      if (saved === undefined) delete process.env.REDIS_URL;
      else process.env.REDIS_URL = saved;
    }
  });
});
