import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readManifest, SOURCE_LABS_DIR } from '../dist/src/lab/registry.js';
import { parseJunit } from './parse-junit.js';
import { runCli, type CliResult } from './run-cli.js';

// Each exercise, as a learner meets it: the starting file `devcap exercise` writes fails
// `devcap check`, and the reference solution (the lab's own good variant, its TypeScript
// source) passes it. Both run from a folder outside the package, so 'devcap/serve', the
// lab's dependencies and the lab's own modules (./db.js, ./api.js) must resolve from there.
// A check is a quick run of the exercise's claims only: about 5 minutes for all six here.
// DEVCAP_TEST_LABS=2,4 narrows it, as for the lab suites.
const dir = mkdtempSync(join(tmpdir(), 'learner-exercise-test-'));
const env = { DEVCAP_STATE_DIR: join(dir, 'state') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const wanted = process.env.DEVCAP_TEST_LABS?.split(',').map(Number);
const labs = (await readManifest()).filter((entry) => (!wanted || wanted.includes(entry.day)) && entry.exercise !== undefined);

describe.each(labs.map((entry) => [entry.day, entry.slug, entry] as const))('lab %i (%s): devcap exercise, then devcap check', (day, _slug, entry) => {
  const exercise = entry.exercise!;
  const folder = join(dir, String(day));

  it('the exercise names the lab\'s own variants and claims', async () => {
    const list = JSON.parse((await runCli(['list', '--json'])).stdout) as Array<{ day: number; variants: string[]; claims: Array<{ id: string }> }>;
    const lab = list.find((item) => item.day === day)!;
    for (const name of exercise.replaces) expect(lab.variants).toContain(name);
    const claimIds = lab.claims.map((claim) => claim.id);
    for (const id of exercise.claims) expect(claimIds).toContain(id);
  });

  // Run with --json: the same check, its outcome as data (one JSON object, nothing else on stdout).
  it('the starting file fails the check: "not yet", exit 1 (check --json)', async () => {
    const written = await runCli(['exercise', String(day), folder], { env });
    expect(written.code).toBe(0);
    const start = readdirSync(folder).find((name) => name.endsWith('.ts'))!;
    const junit = join(folder, 'start.xml');
    const result = await runCli(['check', String(day), join(folder, start), '--json', '--junit', junit], { env });
    const outcome = JSON.parse(result.stdout) as {
      lab: { day: number; slug: string };
      file: string;
      passed: boolean;
      status: string;
      claims: Array<{ id: string; verdict: string; sentence: string; estimate: number | null; ci95: [number, number] | null }>;
      hint: string | null;
      result: { lab: { day: number }; claims: unknown[]; config: { substitutes: Record<string, string> } };
    };
    expect(outcome.lab).toEqual({ day, slug: entry.slug });
    expect(outcome.file).toBe(join(folder, start));
    expect(outcome.passed).toBe(false);
    expect(outcome.status).toBe('not yet');
    expect(outcome.claims.map((claim) => claim.id)).toEqual(exercise.claims);
    expect(outcome.claims.some((claim) => claim.verdict !== 'confirmed')).toBe(true);
    for (const claim of outcome.claims) expect(claim.sentence).toMatch(new RegExp(`: ${claim.verdict}`));
    // The claims are the lab result's own objects, not a copy in another shape.
    expect(outcome.claims).toEqual(outcome.claims.map((claim) => outcome.result.claims.find((other) => (other as { id: string }).id === claim.id)));
    expect(Object.keys(outcome.result.config.substitutes)).toEqual(exercise.replaces);
    expect(outcome.hint).toBe(exercise.hint);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    // --junit: the exercise's claims as cases, and "not yet" a failure a CI job (GitHub Classroom) reports.
    const suite = parseJunit(readFileSync(junit, 'utf8')).testsuites.testsuite[0]!;
    expect(suite.name).toBe(`check ${day} · ${entry.slug} · ${start}`);
    expect(suite.testcase.map((testcase) => testcase.name.split(':')[0])).toEqual(exercise.claims);
    for (const [index, claim] of outcome.claims.entries()) expect(Boolean(suite.testcase[index]!.failure || suite.testcase[index]!.error)).toBe(claim.verdict !== 'confirmed');
    expect(Number(suite.failures)).toBeGreaterThan(0);
  });

  it('the reference solution passes it: "passed", exit 0', async () => {
    const solution = join(folder, 'solution.ts');
    copyFileSync(join(SOURCE_LABS_DIR, entry.folder, 'variants', `${exercise.replaces[0]}.ts`), solution);
    const junit = join(folder, 'solution.xml');
    let result: CliResult = await runCli(['check', String(day), solution, '--junit', junit], { env });
    // A check without a verdict (undecided: every estimate past its threshold, an interval
    // still too wide on a busy machine; or an invalid run) is what a learner would run again.
    const undecided = (run: CliResult) => (run.code === 1 && /^not yet decided:/m.test(run.stdout)) || run.code === 4;
    if (undecided(result)) result = await runCli(['check', String(day), solution, '--junit', junit], { env });
    expect(result.stderr).not.toMatch(/DEVCAP_/);
    expect(result.stdout).toMatch(/^passed: solution\.ts does what the lesson says/m);
    // Passed with the lab's own file: nothing to show against it.
    expect(result.stdout).toMatch(/^Your file is the lab's own solution/m);
    expect(result.code).toBe(0);
    const suite = parseJunit(readFileSync(junit, 'utf8')).testsuites.testsuite[0]!;
    expect([suite.tests, suite.failures, suite.errors, suite.skipped]).toEqual([String(exercise.claims.length), '0', '0', '0']);
  });

  // The wrong solutions a class hands in (exercise/wrong/*.ts, each opening with
  // "// Wrong solution:" and what the learner did): fast or not, each must be "not yet".
  const wrongDir = join(SOURCE_LABS_DIR, entry.folder, 'exercise', 'wrong');
  const wrong = existsSync(wrongDir) ? readdirSync(wrongDir).filter((name) => name.endsWith('.ts')).sort() : [];
  it.each(wrong)('a wrong solution, %s, is "not yet", exit 1', async (name) => {
    const source = readFileSync(join(wrongDir, name), 'utf8');
    expect(source.trimStart().startsWith('// Wrong solution:'), `${name} says what the learner did`).toBe(true);
    mkdirSync(folder, { recursive: true });
    const file = join(folder, `wrong-${name}`);
    writeFileSync(file, source);
    let result: CliResult = await runCli(['check', String(day), file, '--json'], { env });
    // An invalid run of the lab's own variants (not of this file) judges nothing: once more.
    if (result.code === 4) result = await runCli(['check', String(day), file, '--json'], { env });
    const outcome = JSON.parse(result.stdout) as {
      passed: boolean;
      status: string;
      hint: string | null;
      claims: Array<{ sentence: string }>;
      result: { rounds: { stopped: string }; runs: Array<{ variant: string; invalid: string | null }> };
    };
    expect(outcome.passed, outcome.claims.map((claim) => claim.sentence).join('\n')).toBe(false);
    expect(outcome.status).toBe('not yet');
    expect(outcome.hint).toBeTruthy();
    expect(result.code).toBe(1);
    // A file that answers wrongly ends the check at its first wrong run: more rounds cannot make it right.
    if (/answers wrongly/.test(outcome.hint!)) {
      expect(outcome.result.rounds.stopped).toBe('wrong-answers');
      const last = outcome.result.runs.at(-1)!;
      expect(exercise.replaces).toContain(last.variant);
      expect(last.invalid).toBeTruthy();
    }
  });
});

describe('after the checks', () => {
  it('progress shows the exercises passed, and nothing is left in the temp dir', async () => {
    const { stdout } = await runCli(['progress'], { env });
    for (const entry of labs) expect(stdout).toMatch(new RegExp(`^\\s+${entry.day}\\s+${entry.slug}\\s+passed `, 'm'));
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith('devcap-learner-'))).toEqual([]);
  });
});
