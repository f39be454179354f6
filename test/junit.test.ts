import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LabResult } from '../src/report/result.js';
import { parseJunit } from './parse-junit.js';
import { runCli } from './run-cli.js';

// What a course repository's CI reads: `devcap lab 1 --quick --junit r.xml`, parsed as a
// JUnit consumer parses it, case by case against the result the same run wrote with --out.
const dir = mkdtempSync(join(tmpdir(), 'devcap-junit-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lab 1 --quick --junit', () => {
  it('writes one suite with a case per claim, each verdict as CI reads it', async () => {
    const junit = join(dir, 'lab.xml');
    const out = join(dir, 'lab.jsonl');
    const run = await runCli(['lab', '1', '--quick', '--junit', junit, '--out', out], { env: { DEVCAP_STATE_DIR: join(dir, 'state') } });
    expect(run.stderr).toContain(`devcap: wrote the JUnit report to ${junit}\n`);
    const result = JSON.parse(readFileSync(out, 'utf8').trim()) as LabResult;
    const { testsuites } = parseJunit(readFileSync(junit, 'utf8'));
    expect(testsuites.testsuite).toHaveLength(1);
    const suite = testsuites.testsuite[0]!;
    expect(suite.name).toBe('lab 1 · hello-throughput');
    expect(suite.testcase.map((testcase) => testcase.name)).toEqual(result.claims.map((claim) => `${claim.id}: ${claim.statement}`));
    for (const [index, claim] of result.claims.entries()) {
      const testcase = suite.testcase[index]!;
      const element = { confirmed: undefined, contradicted: 'failure', invalid: 'error', inconclusive: 'skipped', skipped: 'skipped' }[claim.verdict];
      for (const kind of ['failure', 'error', 'skipped'] as const) expect(Boolean(testcase[kind]), `${claim.id} (${claim.verdict}) has <${kind}>`).toBe(kind === element);
      if (element) expect(testcase[element as 'failure']!.message).toBe(claim.sentence);
    }
    expect(Number(suite.failures)).toBe(result.claims.filter((claim) => claim.verdict === 'contradicted').length);
    // The exit code and the file agree: CI that reads either sees the same run.
    expect(run.code === 0).toBe(Number(suite.failures) + Number(suite.errors) === 0);
  }, 120_000);
});
