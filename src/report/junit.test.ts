import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJunit } from '../../test/parse-junit.js';
import { renderJunit } from './junit.js';
import type { ClaimResult, LabFailure, LabResult } from './result.js';

const fixture = (): LabResult => JSON.parse(readFileSync(new URL('../../test/fixtures/lab-result.json', import.meta.url), 'utf8')) as LabResult;

function withVerdicts(result: LabResult, verdicts: ClaimResult['verdict'][]): LabResult {
  return { ...result, claims: verdicts.map((verdict, index) => ({ ...result.claims[0]!, id: `c${index}`, verdict, sentence: `${verdict} <because> "x" & 'y'` })) };
}

describe('renderJunit', () => {
  it('one suite per lab, one case per claim, each verdict its element', () => {
    const result = withVerdicts(fixture(), ['confirmed', 'contradicted', 'inconclusive', 'invalid', 'skipped']);
    const parsed = parseJunit(renderJunit([result], { strict: false }));
    const suite = parsed.testsuites.testsuite[0]!;
    expect(suite.name).toBe('lab 4 · promise-all');
    expect([suite.tests, suite.failures, suite.errors, suite.skipped]).toEqual(['5', '1', '1', '2']);
    const [confirmed, contradicted, inconclusive, invalid, skipped] = suite.testcase;
    expect(confirmed).not.toHaveProperty('failure');
    expect(confirmed).not.toHaveProperty('error');
    expect(contradicted!.failure).toMatchObject({ type: 'contradicted', message: `contradicted <because> "x" & 'y'` });
    expect(inconclusive!.skipped).toMatchObject({ type: 'inconclusive' });
    expect(invalid!.error).toMatchObject({ type: 'invalid' });
    expect(skipped!.skipped).toMatchObject({ type: 'skipped' });
    expect(contradicted!.name).toBe(`c1: ${result.claims[0]!.statement}`);
  });

  it('--strict makes inconclusive a failure', () => {
    const parsed = parseJunit(renderJunit([withVerdicts(fixture(), ['inconclusive'])], { strict: true }));
    expect(parsed.testsuites.testsuite[0]!.testcase[0]!.failure).toMatchObject({ type: 'inconclusive' });
    expect(parsed.testsuites.failures).toBe('1');
  });

  it('a lab that failed to run is one error; totals add up over labs', () => {
    const failure: LabFailure = { schemaVersion: 1, lab: { day: 3, slug: 'blocking-io', title: 't' }, error: { code: 'DEVCAP_VARIANT_CRASHED', message: 'it died <here>', exitCode: 4 } };
    const parsed = parseJunit(renderJunit([fixture(), failure], { strict: false }));
    expect(parsed.testsuites.testsuite).toHaveLength(2);
    expect(parsed.testsuites.testsuite[1]!.testcase[0]!.error).toMatchObject({ type: 'DEVCAP_VARIANT_CRASHED', message: 'DEVCAP_VARIANT_CRASHED: it died <here>' });
    expect(Number(parsed.testsuites.tests)).toBe(fixture().claims.length + 1);
  });

  it('control characters a sentence might carry do not make the file unreadable', () => {
    const result = withVerdicts(fixture(), ['contradicted']);
    result.claims[0]!.sentence = 'bad \u0000\u001b[31m byte';
    const parsed = parseJunit(renderJunit([result], { strict: false }));
    expect(parsed.testsuites.testsuite[0]!.testcase[0]!.failure).toMatchObject({ message: 'bad [31m byte' });
  });
});
