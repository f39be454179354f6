import { describe, expect, it } from 'vitest';
import type { AnswerCount, RoundRun } from '../report/result.js';
import { answeredWrongly } from './validity.js';

const none: AnswerCount = { checked: 10, wrong: 0, firstWrong: null };
const run = (invalid: string | null, answers: Partial<NonNullable<RoundRun['answers']>> = {}) =>
  ({ variant: 'x', invalid, answers: { warmUp: none, load: none, side: null, drive: none, ...answers } }) as RoundRun;

describe('answeredWrongly: the server itself got it wrong', () => {
  it('is true for a wrong body on any stream, or a wrong status', () => {
    const wrong: AnswerCount = { checked: 10, wrong: 3, firstWrong: 'body "", expected "ok"' };
    expect(answeredWrongly(run('3 wrong answers', { load: wrong }))).toBe(true);
    expect(answeredWrongly(run('3 wrong answers', { warmUp: wrong }))).toBe(true);
    expect(answeredWrongly(run('3 wrong answers', { drive: wrong }))).toBe(true);
    expect(answeredWrongly(run('3 wrong answers', { side: wrong }))).toBe(true);
    expect(answeredWrongly(run('/ answered 10 × 500 (expected 2xx)'))).toBe(true);
  });

  it('is false for a valid run, and for errors or timeouts alone (a busy machine makes those)', () => {
    expect(answeredWrongly(run(null))).toBe(false);
    expect(answeredWrongly(run('/ had 40 errors or timeouts in 1000 requests'))).toBe(false);
  });
});
