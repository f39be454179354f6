/** Whether a run's numbers describe the code under test: statuses, failures, wrong answers. */
import type { RoundRun } from '../report/result.js';
import { addCounts, type AnswerCount } from './answers.js';
import { countServed, type LoadResult } from './load.js';

/** Errors and timeouts above this share of a stream's requests make a run invalid. */
export const MAX_FAILED_SHARE = 0.01;

/**
 * Why a run's numbers do not describe the code under test, or null: an answer outside the
 * expected statuses on either stream, no answer at all, or errors and timeouts above 1%.
 * autocannon and the pinger time every answer, a fast 500 included, so such a run could
 * otherwise confirm anything.
 */
export function invalidity(result: LoadResult, path: string, expectStatus: number[] | undefined, sidePath: string | undefined): string | null {
  const problems: string[] = [];
  const streams = [{ stream: result.primary, path, expected: expectStatus }, ...(result.side ? [{ stream: result.side, path: sidePath ?? 'side', expected: undefined }] : [])];
  for (const { stream, path: where, expected } of streams) {
    const answered = Object.values(stream.statusCounts).reduce((sum, count) => sum + count, 0);
    const wrong = answered - countServed(stream.statusCounts, expected);
    const failed = stream.errors + stream.timeouts;
    const counts = Object.entries(stream.statusCounts).map(([status, count]) => `${count} × ${status}`).join(', ');
    const wanted = expected ? expected.join(' or ') : '2xx';
    if (answered === 0) problems.push(`${where} got no answer (${failed} errors or timeouts)`);
    else if (wrong > 0) problems.push(`${where} answered ${counts} (expected ${wanted})`);
    if (answered > 0 && failed > MAX_FAILED_SHARE * (answered + failed)) problems.push(`${where} had ${failed} errors or timeouts in ${answered + failed} requests`);
  }
  return problems.length ? problems.join('; ') : null;
}

/** Why a run's answers make it invalid (any wrong one, on any stream), or null. */
export function wrongAnswers(answers: NonNullable<RoundRun['answers']>): string | null {
  const streams: Array<[string, AnswerCount | null]> = [
    ['the warm-up', answers.warmUp],
    ['the load', answers.load],
    ['the side stream', answers.side],
    ["the lab's own requests", answers.drive],
  ];
  const wrong = streams.filter((entry): entry is [string, AnswerCount] => entry[1] !== null && entry[1].wrong > 0);
  if (!wrong.length) return null;
  const all = addCounts(...wrong.map(([, count]) => count));
  const where = wrong.map(([name, count]) => `${count.wrong.toLocaleString('en-US')} of ${count.checked.toLocaleString('en-US')} in ${name}`).join(', ');
  return `${all.wrong.toLocaleString('en-US')} wrong answer${all.wrong === 1 ? '' : 's'} (${where}); the first: ${all.firstWrong}`;
}

/**
 * Whether the server itself answered wrongly in this run (a wrong body or status on any
 * stream): however fast, the code under test does not do the work. Errors and timeouts alone
 * are not wrong answers: a busy machine makes those.
 */
export function answeredWrongly(run: RoundRun): boolean {
  if (!run.invalid) return false;
  const { answers } = run;
  return Boolean(answers?.load.wrong || answers?.warmUp.wrong || answers?.drive.wrong || answers?.side?.wrong || /answered/.test(run.invalid));
}

/** Every problem of a run in one line, or null when it has none. */
export const joinProblems = (...problems: Array<string | null>) => problems.filter((problem) => problem !== null).join('; ') || null;

/** Why a measured run is invalid: its streams, then its answers. */
export function runInvalidity(result: LoadResult, answers: NonNullable<RoundRun['answers']>, workload: { path: string; expectStatus?: number[] }, sidePath: string | undefined): string | null {
  return joinProblems(invalidity(result, workload.path, workload.expectStatus, sidePath), wrongAnswers(answers));
}
