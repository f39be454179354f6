import { describe, expect, it } from 'vitest';
import { addCounts, AnswerTally, excerpt, problemWith } from './answers.js';

const answer = (body: string, status = 200) => ({ status, headers: {}, body });

describe('problemWith', () => {
  it('accepts the exact body, and names what came back when it differs', () => {
    expect(problemWith({ body: 'abc' }, answer('abc'))).toBeNull();
    expect(problemWith({ body: 'abc' }, answer('000'))).toBe('body "000", expected "abc"');
  });

  it('compares JSON by value, not by key order', () => {
    expect(problemWith({ json: { a: 1, b: [1, 2] } }, answer('{"b":[1,2],"a":1}'))).toBeNull();
    expect(problemWith({ json: { a: 1 } }, answer('{"a":2}'))).toBe('JSON "{\\"a\\":2}", expected "{\\"a\\":1}"');
    expect(problemWith({ json: { a: 1 } }, answer('not json'))).toBe('body "not json" is not JSON');
  });

  it('checks the size and the hash of a body', () => {
    const sha256OfAbc = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    expect(problemWith({ bytes: 3, sha256: sha256OfAbc }, answer('abc'))).toBeNull();
    expect(problemWith({ bytes: 4 }, answer('abc'))).toBe('3 bytes, expected 4');
    expect(problemWith({ sha256: sha256OfAbc }, answer('abd'))).toMatch(/^SHA-256 [0-9a-f]{12}…, expected ba7816bf8f01…$/);
  });

  it("runs the lab's own check, and counts a check that throws as a wrong answer", () => {
    expect(problemWith({ check: ({ body }) => (body.startsWith('{') ? null : 'not an object') }, answer('[]'))).toBe('not an object');
    expect(problemWith({ check: () => JSON.parse('{') as null }, answer('x'))).toMatch(/^the check failed: /);
  });

  it('requires the status the answer names, else the stream expected ones, else a 2xx', () => {
    expect(problemWith({ status: 202 }, answer('', 201))).toBe('status 201, expected 202');
    expect(problemWith({}, answer('', 401), [401])).toBeNull();
    expect(problemWith({}, answer('', 500))).toBe('status 500, expected 2xx');
  });
});

describe('AnswerTally', () => {
  it('counts every answer, and keeps the first wrong one with its request', () => {
    const tally = new AnswerTally();
    tally.check('GET /a', { body: 'ok' }, answer('ok'));
    tally.check('GET /b', { body: 'ok' }, answer('no'));
    tally.check('GET /c', { body: 'ok' }, answer('nope'));
    expect(tally.count()).toEqual({ checked: 3, wrong: 2, firstWrong: 'GET /b: body "no", expected "ok"' });
  });

  it('checks one answer in `every`, from the first: a sample that does not depend on luck', () => {
    const tally = new AnswerTally(4);
    for (let i = 0; i < 10; i++) tally.check('GET /', { body: 'ok' }, answer(i % 4 === 0 ? 'ok' : 'skipped, so never seen'));
    expect(tally.count()).toEqual({ checked: 3, wrong: 0, firstWrong: null });
  });

  it('adds the counts of several streams', () => {
    expect(addCounts({ checked: 2, wrong: 0, firstWrong: null }, { checked: 3, wrong: 1, firstWrong: 'x' })).toEqual({ checked: 5, wrong: 1, firstWrong: 'x' });
  });
});

describe('excerpt', () => {
  it('quotes a short body whole, and cuts a long one with its size', () => {
    expect(excerpt('pong')).toBe('"pong"');
    expect(excerpt('0'.repeat(128), 4)).toBe('"0000…" (128 bytes)');
  });
});
