import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPILED_LABS_DIR, SOURCE_LABS_DIR } from '../dist/src/lab/registry.js';
import type { LabResult } from '../dist/src/report/result.js';
import { runCli } from './run-cli.js';

// labs/_template is what the next lab is copied from: it must stay a lab that works, whose
// claim is confirmed and whose control is rejected, like every lab's.
const env = { DEVCAP_TEMPLATE_LAB: '1' };

describe('the lab template (labs/_template)', () => {
  it('runs as a lab: its claim confirmed, its answers checked', async () => {
    const { code, stdout, stderr } = await runCli(['lab', 'template', '--quick', '--json'], { env });
    expect(stderr).toBe('');
    const result = JSON.parse(stdout) as LabResult;
    expect(result.claims.map((claim) => [claim.id, claim.verdict]), result.claims.map((claim) => claim.sentence).join('\n')).toEqual([['once-is-faster', 'confirmed']]);
    expect(result.runs.every((run) => run.answers && run.answers.load.checked > 0 && run.answers.load.wrong === 0)).toBe(true);
    expect(code).toBe(0);
  }, 180_000);

  it('rejects its negative control', async () => {
    const control = join(COMPILED_LABS_DIR, '_template', 'controls', 'per-request-as-once.js');
    const { code, stdout } = await runCli(['lab', 'template', '--quick', '--json', '--variant', `stringify-once=${control}`], { env });
    const result = JSON.parse(stdout) as LabResult;
    expect(result.claims.map((claim) => claim.verdict), result.claims[0]?.sentence).toEqual(['contradicted']);
    expect(code).toBe(1);
  }, 180_000);

  it('has an exercise: devcap exercise writes the variant with the problem, and the lab\'s own solution passes devcap check', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'devcap-template-exercise-'));
    try {
      const learner = { ...env, DEVCAP_STATE_DIR: join(dir, 'state') };
      const written = await runCli(['exercise', 'template', dir], { env: learner });
      expect(written.code, written.stderr).toBe(0);
      const start = readFileSync(join(dir, '00-template.ts'), 'utf8');
      expect(start).toContain(readFileSync(join(SOURCE_LABS_DIR, '_template', 'variants', 'stringify-per-request.ts'), 'utf8'));
      const solution = join(dir, 'solution.ts');
      copyFileSync(join(SOURCE_LABS_DIR, '_template', 'variants', 'stringify-once.ts'), solution);
      const checked = await runCli(['check', 'template', solution], { env: learner });
      expect(checked.stdout).toMatch(/^passed: solution\.ts does what the lesson says/m);
      expect(checked.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('is not a lab without DEVCAP_TEMPLATE_LAB=1', async () => {
    const { code, stderr } = await runCli(['lab', 'template', '--quick']);
    expect(stderr).toMatch(/^devcap: DEVCAP_UNKNOWN_LAB: no lab "template"/);
    expect(code).toBe(2);
  });
});
