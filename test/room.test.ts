import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LabResult } from '../src/report/result.js';
import { postJson, send, startRoomCli } from './room-helpers.js';
import { runCli } from './run-cli.js';

// `devcap room` as a server on a shared network: what a careless or hostile client sends is
// refused with a clear status and nothing kept; a class sending at once loses nothing; a
// restart keeps everything. No lab runs here: the results are a saved real one (lab 4).
const dir = mkdtempSync(join(tmpdir(), 'devcap-room-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const result = JSON.parse(readFileSync(new URL('./fixtures/lab-result.json', import.meta.url), 'utf8')) as LabResult;
const exported = async (state: string) => {
  const run = await runCli(['room', '--export', '-'], { env: { DEVCAP_STATE_DIR: state } });
  expect(run.code).toBe(0);
  return run.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { name: string; kind: string; result: LabResult });
};

describe('devcap room refuses bad input, keeps nothing of it, and goes on serving', () => {
  const state = join(dir, 'bad');

  it('each refusal has its status and a reason; only the good results are kept', async () => {
    const room = await startRoomCli(state, ['--rate', '5']);
    try {
      const path = `/join/${room.code}/results`;
      const json = { 'content-type': 'application/json' };
      const cases: Array<[string, Promise<{ status: number; body: string }>, number, RegExp]> = [
        ['malformed JSON', send(room.base, 'POST', path, { body: '{"name": "Ann", "kind": ', headers: json, from: '127.0.0.2' }), 400, /not JSON/],
        ['a result that fails the schema', postJson(room.join, { name: 'Ann', kind: 'lab', result: { ...result, outcome: 'probably' } }, '127.0.0.3'), 422, /schema \(\/outcome must be equal to one of the allowed values\)/],
        ['a result with a field missing', postJson(room.join, { name: 'Ann', kind: 'lab', result: { ...result, claims: undefined } }, '127.0.0.3'), 422, /schema/],
        ['no result at all', postJson(room.join, { name: 'Ann', kind: 'lab' }, '127.0.0.3'), 422, /schema/],
        ['predictions that do not add up', postJson(room.join, { name: 'Ann', kind: 'lab', predictions: { right: 3, asked: 2 }, result }, '127.0.0.3'), 422, /right ≤ asked/],
        ['a check without its outcome', postJson(room.join, { name: 'Ann', kind: 'check', result }, '127.0.0.3'), 422, /a check needs check/],
        ['an extra field (the learner\'s code)', postJson(room.join, { name: 'Ann', kind: 'lab', result, code: 'app.get(...)' }, '127.0.0.4'), 422, /unexpected field "code"/],
        ['a wrong room code', send(room.base, 'POST', '/join/WRONG9/results', { body: JSON.stringify({ name: 'Ann', kind: 'lab', result }), headers: json, from: '127.0.0.5' }), 403, /wrong room code/],
        ['no room code', send(room.base, 'POST', '/join//results', { body: '{}', headers: json, from: '127.0.0.5' }), 403, /wrong room code/],
        ['not JSON at all (a form)', send(room.base, 'POST', path, { body: 'name=Ann', headers: { 'content-type': 'application/x-www-form-urlencoded' }, from: '127.0.0.6' }), 415, /application\/json/],
        ['a 50 MB body', send(room.base, 'POST', path, { body: Buffer.alloc(50 * 1024 * 1024, 0x20), headers: json, from: '127.0.0.7' }), 413, /over 2097152 bytes/],
        ['a name with control characters', postJson(room.join, { name: 'Ann\u001b[2J', kind: 'lab', result }, '127.0.0.8'), 422, /control or direction/],
        ['a name too long', postJson(room.join, { name: 'A'.repeat(41), kind: 'lab', result }, '127.0.0.8'), 422, /at most 40/],
        ['an empty name', postJson(room.join, { name: '  ', kind: 'lab', result }, '127.0.0.8'), 422, /display name is required/],
        ['GET on the results URL', send(room.base, 'GET', path), 405, /POST a result here/],
        ['DELETE on the page', send(room.base, 'DELETE', '/'), 405, /only GET/],
      ];
      for (const [name, answer, status, message] of cases) {
        const got = await answer;
        expect(got.status, `${name}: ${got.body}`).toBe(status);
        expect(got.body, name).toMatch(message);
      }

      // A body over the limit without a Content-Length (chunked) is cut off as it grows.
      const chunked = await new Promise<number>((resolve, reject) => {
        void import('node:http').then(({ request }) => {
          const { hostname, port } = new URL(room.base);
          const req = request({ host: hostname, port, method: 'POST', path, headers: { ...json, 'transfer-encoding': 'chunked' }, agent: false, localAddress: '127.0.0.9' }, (response) => {
            response.resume();
            resolve(response.statusCode!);
          });
          req.on('error', reject);
          for (let i = 0; i < 40; i++) req.write(Buffer.alloc(1024 * 1024, 0x20));
          req.end();
        });
      });
      expect(chunked).toBe(413);

      // Path traversal, every way it can be spelled: nothing but the fixed routes exists.
      for (const traversal of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd', `/join/${room.code}/../../../etc/passwd`, '/events/../../etc/passwd', '//etc/passwd', '/join/..%2f..%2fetc%2fpasswd', '/%5c..%5c..%5cetc%5cpasswd', '/join/%zz/results', '/join/%2e%2e%2f%2e%2e%2fetc%2fpasswd/results']) {
        const got = await send(room.base, 'GET', traversal);
        expect([400, 403, 404, 405], `${traversal}: ${got.status}`).toContain(got.status);
        expect(got.body).not.toMatch(/root:/);
      }
      // And as a POST with the right code's place taken by a traversal: refused before anything is read.
      const traversed = await send(room.base, 'POST', '/join/%2e%2e%2f%2e%2e%2fetc%2fpasswd/results', { body: JSON.stringify({ name: 'Ann', kind: 'lab', result }), headers: json, from: '127.0.0.13' });
      expect(traversed.status).toBe(403);

      // A name with HTML and script in it is a name: kept as written (the page shows it as text).
      const hostile = '<script>alert(1)</script><b>Eve</b>';
      const accepted = await postJson(room.join, { name: hostile, kind: 'lab', result }, '127.0.0.10');
      expect(accepted.status, accepted.body).toBe(201);
      expect((await postJson(room.join, { name: '<img src=x onerror=alert(2)>', kind: 'lab', result }, '127.0.0.10')).status).toBe(201);
      const good = await postJson(room.join, { name: 'Ann', kind: 'check', check: { passed: false, status: 'not yet' }, result }, '127.0.0.10');
      expect(good.status, good.body).toBe(201);
      const guessed = await postJson(room.join, { name: 'Ann', kind: 'lab', predictions: { right: 2, asked: 3 }, result }, '127.0.0.10');
      expect(guessed.status, guessed.body).toBe(201);

      // The rate limit: five a minute from one address, then 429 with when to come back.
      const burst = [];
      for (let i = 0; i < 6; i++) burst.push(await postJson(room.join, { name: 'Bo', kind: 'lab', result }, '127.0.0.11'));
      expect(burst.slice(0, 5).map((answer) => answer.status)).toEqual([201, 201, 201, 201, 201]);
      expect(burst[5]!.status).toBe(429);
      expect(Number(burst[5]!.headers['retry-after'])).toBeGreaterThan(0);
      expect(burst[5]!.body).toMatch(/at most 5 a minute/);
      // Another address is not held back by that one.
      expect((await postJson(room.join, { name: 'Cy', kind: 'lab', result }, '127.0.0.12')).status).toBe(201);

      // Still serving, with the CSP that allows no outside request.
      const page = await send(room.base, 'GET', '/');
      expect(page.status).toBe(200);
      expect(page.headers['content-security-policy']).toMatch(/^default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'/);
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(room.output()).toContain(`${JSON.stringify(hostile)} sent lab 4`);
    } finally {
      const stopped = await room.stop();
      expect(stopped.code).toBe(0);
    }
    const kept = await exported(state);
    expect(kept.map((entry) => entry.name)).toEqual(['<script>alert(1)</script><b>Eve</b>', '<img src=x onerror=alert(2)>', 'Ann', 'Ann', 'Bo', 'Bo', 'Bo', 'Bo', 'Bo', 'Cy']);
  }, 60_000);
});

describe('devcap room under a class sending at once', () => {
  const state = join(dir, 'load');

  it('100 learners × 10 results, all at once: all 1,000 kept, the page answering meanwhile, and kept after a restart', async () => {
    const room = await startRoomCli(state);
    let pageStatuses: number[] = [];
    try {
      // Each learner from their own loopback address, as each laptop has its own; within the rate limit (10 of 30 a minute).
      const learners = Array.from({ length: 100 }, (_, learner) => `127.0.${1 + Math.floor(learner / 200)}.${10 + (learner % 200)}`);
      const posts = learners.flatMap((from, learner) => Array.from({ length: 10 }, (_, n) => postJson(room.join, { name: `learner ${learner}`, kind: 'lab', result: { ...result, wallTimeMs: n } }, from)));
      const pages = Array.from({ length: 10 }, () => send(room.base, 'GET', '/'));
      const answers = await Promise.all(posts);
      pageStatuses = (await Promise.all(pages)).map((page) => page.status);
      expect(answers.filter((answer) => answer.status !== 201).map((answer) => `${answer.status} ${answer.body}`)).toEqual([]);
      const stored = answers.map((answer) => (JSON.parse(answer.body) as { stored: number }).stored).sort((a, b) => a - b);
      expect(stored).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    } finally {
      expect((await room.stop()).code).toBe(0);
    }
    expect(pageStatuses).toEqual(Array(10).fill(200));
    const kept = await exported(state);
    expect(kept).toHaveLength(1000);
    expect(new Set(kept.map((entry) => `${entry.name}/${entry.result.wallTimeMs}`)).size).toBe(1000);

    // A restart: the same code, the same 1,000, and the next one is number 1,001.
    const again = await startRoomCli(state);
    try {
      expect(again.output()).toMatch(/: 1000 results kept in /);
      const next = await postJson(again.join, { name: 'late', kind: 'lab', result }, '127.0.0.2');
      expect(next.status, next.body).toBe(201);
      expect(JSON.parse(next.body)).toEqual({ stored: 1001 });
      expect(again.code).toBe(new URL(again.join).pathname.split('/').at(-1));
    } finally {
      await again.stop();
    }
    expect(await exported(state)).toHaveLength(1001);
    const file = join(dir, 'export.jsonl');
    const written = await runCli(['room', '--export', file], { env: { DEVCAP_STATE_DIR: state } });
    expect(written.stderr).toContain(`exported 1001 results to ${file}`);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1001);
  }, 120_000);
});
