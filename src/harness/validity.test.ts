import { describe, expect, it } from 'vitest';
import type { AnswerCount, RoundRun } from '../report/result.js';
import { answeredWrongly, invalidity, joinProblems, MAX_FAILED_SHARE, runInvalidity, wrongAnswers } from './validity.js';

describe('invalidity', () => {
  const stream = (statusCounts: Record<string, number>, errors = 0, timeouts = 0) => ({
    requests: 0,
    served: 0,
    requestsPerSec: 0,
    latencyP50Ms: 1,
    latencyP99Ms: 1,
    latencyMaxMs: 1,
    statusCounts,
    errors,
    timeouts,
    answers: { checked: 0, wrong: 0, firstWrong: null },
  });
  const load = (primary: ReturnType<typeof stream>, side?: ReturnType<typeof stream>) => ({ primary, side, durationSec: 1, generatorCpuCores: 0.2 });

  it('accepts a run whose answers are all expected, with errors under 1%', () => {
    expect(invalidity(load(stream({ 200: 1000 }, 5), stream({ 200: 200 })), '/work', undefined, '/ping')).toBeNull();
    expect(invalidity(load(stream({ 200: 10, 429: 90 })), '/api', [200, 429], undefined)).toBeNull();
  });

  it('names the stream, path and status counts of a run with wrong answers', () => {
    expect(invalidity(load(stream({ 500: 37 }), stream({ 200: 200 })), '/work', undefined, '/ping')).toBe('/work answered 37 × 500 (expected 2xx)');
    expect(invalidity(load(stream({ 200: 50 }), stream({ 200: 190, 503: 10 })), '/work', undefined, '/ping')).toBe('/ping answered 190 × 200, 10 × 503 (expected 2xx)');
  });

  it('refuses a run with no answer, or errors and timeouts above 1%', () => {
    expect(invalidity(load(stream({}, 12)), '/work', undefined, undefined)).toBe('/work got no answer (12 errors or timeouts)');
    expect(invalidity(load(stream({ 200: 90 }, 5, 5)), '/work', undefined, undefined)).toBe('/work had 10 errors or timeouts in 100 requests');
  });

  it('allows exactly 1% errors and timeouts, not one more', () => {
    expect(MAX_FAILED_SHARE).toBe(0.01);
    expect(invalidity(load(stream({ 200: 99 }, 1)), '/work', undefined, undefined)).toBeNull();
    expect(invalidity(load(stream({ 200: 98 }, 1, 1)), '/work', undefined, undefined)).toBe('/work had 2 errors or timeouts in 100 requests');
  });

  it('counts only the statuses a lab expects as answered right, on the measured stream only', () => {
    expect(invalidity(load(stream({ 200: 10, 429: 90 })), '/api', [200], undefined)).toBe('/api answered 10 × 200, 90 × 429 (expected 200)');
    // The side stream always wants 2xx: a limiter's 429s there are wrong whatever the load expects.
    expect(invalidity(load(stream({ 429: 10 }), stream({ 429: 5 })), '/api', [429], '/ping')).toBe('/ping answered 5 × 429 (expected 2xx)');
  });
});

describe('wrongAnswers', () => {
  const none = { checked: 10, wrong: 0, firstWrong: null };
  it('is null when every stream was right, and names each stream with wrong answers and the first one', () => {
    expect(wrongAnswers({ warmUp: none, load: none, side: null, drive: none })).toBeNull();
    expect(wrongAnswers({ warmUp: { checked: 10, wrong: 10, firstWrong: 'GET /work: body "0"' }, load: { checked: 900, wrong: 900, firstWrong: 'GET /work: x' }, side: none, drive: none })).toBe(
      '910 wrong answers (10 of 10 in the warm-up, 900 of 900 in the load); the first: GET /work: body "0"',
    );
  });
});

describe('joinProblems', () => {
  it('is every problem in one line, or null when there is none', () => {
    expect(joinProblems(null, null)).toBeNull();
    expect(joinProblems('a', null, 'b')).toBe('a; b');
  });
});

describe('runInvalidity', () => {
  const stream = { requests: 100, served: 100, requestsPerSec: 100, latencyP50Ms: 1, latencyP99Ms: 2, latencyMaxMs: 3, statusCounts: { 200: 100 }, errors: 0, timeouts: 0, answers: { checked: 100, wrong: 0, firstWrong: null } };
  const right = { checked: 5, wrong: 0, firstWrong: null };

  it("says what was wrong with a run's streams, then with its answers", () => {
    const result = { primary: { ...stream, statusCounts: { 500: 100 } }, durationSec: 1, generatorCpuCores: 0.1 };
    const answers = { warmUp: right, load: { checked: 100, wrong: 1, firstWrong: 'GET /work: 500' }, side: null, drive: right };
    expect(runInvalidity(result, answers, { path: '/work' }, undefined)).toBe('/work answered 100 × 500 (expected 2xx); 1 wrong answer (1 of 100 in the load); the first: GET /work: 500');
    expect(runInvalidity({ ...result, primary: stream }, { ...answers, load: right }, { path: '/work' }, undefined)).toBeNull();
  });
});


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
