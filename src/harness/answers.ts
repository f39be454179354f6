/**
 * Is an answer right? A status of 200 says only that the server answered: a variant that
 * skips the work (answers `'0'.repeat(128)` for a hash, the first megabyte of a file, the
 * first category's list for every category) is fast and wrong. Every stream of a run is
 * checked here against what the lab says a correct answer is, and counted.
 */
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Answer, ExpectedAnswer } from '../lab/types.js';
import type { AnswerCount } from '../report/result.js';

/** Why `answer` is not what `expect` says, or null. A check that throws counts as a wrong answer, with its message. */
export function problemWith(expect: ExpectedAnswer, answer: Answer, expectStatus?: number[]): string | null {
  const statusOk = expect.status !== undefined ? answer.status === expect.status : expectStatus ? expectStatus.includes(answer.status) : answer.status >= 200 && answer.status < 300;
  if (!statusOk) return `status ${answer.status}, expected ${expect.status ?? expectStatus?.join(' or ') ?? '2xx'}`;
  if (expect.body !== undefined && answer.body !== expect.body) return `body ${excerpt(answer.body)}, expected ${excerpt(expect.body)}`;
  if (expect.bytes !== undefined) {
    const bytes = Buffer.byteLength(answer.body);
    if (bytes !== expect.bytes) return `${bytes.toLocaleString('en-US')} bytes, expected ${expect.bytes.toLocaleString('en-US')}`;
  }
  if (expect.sha256 !== undefined) {
    const digest = createHash('sha256').update(answer.body).digest('hex');
    if (digest !== expect.sha256) return `SHA-256 ${digest.slice(0, 12)}…, expected ${expect.sha256.slice(0, 12)}…`;
  }
  if (expect.json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.body);
    } catch {
      return `body ${excerpt(answer.body)} is not JSON`;
    }
    if (!isDeepStrictEqual(parsed, expect.json)) return `JSON ${excerpt(answer.body)}, expected ${excerpt(JSON.stringify(expect.json))}`;
  }
  if (expect.check) {
    try {
      return expect.check(answer);
    } catch (error) {
      return `the check failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return null;
}

/** The start of a body, quoted, with its length when cut: enough to see what came back. */
export function excerpt(text: string, max = 60): string {
  const quoted = JSON.stringify(text.length > max ? text.slice(0, max) : text);
  return text.length > max ? `${quoted.slice(0, -1)}…" (${Buffer.byteLength(text).toLocaleString('en-US')} bytes)` : quoted;
}

export type { AnswerCount };

/**
 * Counts the answers of one stream (the load, its warm-up, the side stream, the lab's own
 * requests). `every` > 1 checks one answer in that many, from the first: a deterministic
 * sample for bodies too large to hash all of.
 */
export class AnswerTally {
  checked = 0;
  wrong = 0;
  firstWrong: string | null = null;
  private seen = 0;

  constructor(readonly every = 1) {}

  /** Whether the next answer is one the sample checks (call once per answer). */
  takes(): boolean {
    return this.seen++ % this.every === 0;
  }

  record(request: string, problem: string | null): void {
    this.checked++;
    if (problem === null) return;
    this.wrong++;
    this.firstWrong ??= `${request}: ${problem}`;
  }

  /** Checks `answer` if the sample takes it; returns the problem, if any. */
  check(request: string, expect: ExpectedAnswer, answer: Answer, expectStatus?: number[]): string | null {
    if (!this.takes()) return null;
    const problem = problemWith(expect, answer, expectStatus);
    this.record(request, problem);
    return problem;
  }

  count(): AnswerCount {
    return { checked: this.checked, wrong: this.wrong, firstWrong: this.firstWrong };
  }
}

/** Several streams' counts as one. */
export function addCounts(...counts: AnswerCount[]): AnswerCount {
  return {
    checked: counts.reduce((sum, count) => sum + count.checked, 0),
    wrong: counts.reduce((sum, count) => sum + count.wrong, 0),
    firstWrong: counts.find((count) => count.firstWrong !== null)?.firstWrong ?? null,
  };
}

/** A request as a wrong answer names it: `GET /work`. */
export const requestName = (request: { method?: string; path: string }) => `${request.method ?? 'GET'} ${request.path}`;
