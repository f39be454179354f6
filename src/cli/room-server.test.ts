import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startRoom } from './room-server.js';

const dir = mkdtempSync(join(tmpdir(), 'devcap-room-server-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// A saved real result (lab 4), as the room's CLI tests use.
const result = JSON.parse(readFileSync(new URL('../../test/fixtures/lab-result.json', import.meta.url), 'utf8')) as unknown;

async function post(port: number, code: string, name: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}/join/${code}/results`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, kind: 'lab', result }) });
  return { status: response.status, body: await response.text() };
}

describe('the room file has a bound', () => {
  it('keeps results until the file would pass maxFileBytes, then refuses each with 507 and a reason, also after a restart', async () => {
    const file = join(dir, 'results.jsonl');
    const one = Buffer.byteLength(JSON.stringify(result));
    // room for three results, not four
    const options = { port: 0, host: '127.0.0.1', code: 'ROOM42', file, ratePerMinute: 1000, maxBodyBytes: 2 * 1024 * 1024, maxFileBytes: Math.round(one * 3.5) };
    let room = await startRoom(options);
    try {
      const answers = [];
      for (const name of ['Ann', 'Bo', 'Cy', 'Di', 'Ed']) answers.push(await post(room.port, 'ROOM42', name));
      expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201, 507, 507]);
      expect(answers[3]!.body).toMatch(/^the room is full: its file holds 3 results, and at most \d+ MiB is kept; the instructor can export them \(devcap room --export\)/);
      expect(room.count()).toBe(3);
    } finally {
      await room.close();
    }
    expect(statSync(file).size).toBeLessThanOrEqual(options.maxFileBytes);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(3);
    // A restart counts what the file already holds.
    room = await startRoom(options);
    try {
      expect((await post(room.port, 'ROOM42', 'Fay')).status).toBe(507);
      expect(room.count()).toBe(3);
    } finally {
      await room.close();
    }
  });
});
