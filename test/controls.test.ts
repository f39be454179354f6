import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPILED_LABS_DIR, loadAllLabs } from '../dist/src/lab/registry.js';
import type { LabResult } from '../dist/src/report/result.js';
import { runCli } from './run-cli.js';

// Every claim is a test only if it can fail. Each lab's negative controls (controls/*.ts)
// break the lesson on purpose; run in place of the variant they replace, exactly as a
// learner's own file would be (--variant), each claim they name must come out
// contradicted (or invalid where the control says so), not merely "not confirmed".
// DEVCAP_TEST_LABS=8,9 narrows the run, as in labs.test.ts.
const wanted = process.env.DEVCAP_TEST_LABS?.split(',').map(Number);
const labs = (await loadAllLabs(COMPILED_LABS_DIR)).filter(({ lab }) => !wanted || wanted.includes(lab.day));
const cases = labs.flatMap(({ lab, compiledDir }) =>
  Object.entries(lab.controls ?? {}).map(([name, control]) => ({ day: lab.day, slug: lab.slug, name, control, file: join(compiledDir, control.file) })),
);

describe.each(cases.map((entry) => [entry.day, entry.name, entry] as const))('lab %i, control %s', (day, _name, { control, file }) => {
  const expected = control.expect ?? 'contradicted';
  it(`is rejected: ${control.rejects.join(', ')} → ${expected}`, async () => {
    const { code, stdout, stderr } = await runCli([
      'lab',
      String(day),
      '--quick',
      '--json',
      '--variant',
      `${control.replaces}=${file}`,
      '--claims',
      control.rejects.join(','),
    ]);
    expect(stderr).toBe('');
    const result = JSON.parse(stdout) as LabResult;
    expect(result.variants.find((variant) => variant.name === control.replaces)).toMatchObject({ substituted: true, file });
    const verdicts = Object.fromEntries(result.claims.map((claim) => [claim.id, claim.verdict]));
    expect(verdicts, result.claims.map((claim) => claim.sentence).join('\n')).toEqual(Object.fromEntries(control.rejects.map((id) => [id, expected])));
    expect(code).toBe(expected === 'invalid' ? 4 : 1);
  });
});
