import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPILED_LABS_DIR, loadAllLabs } from '../dist/src/lab/registry.js';
import { claimVariants } from '../dist/src/lab/types.js';
import type { LabResult } from '../dist/src/report/result.js';
import { runCli, type CliResult } from './run-cli.js';

// Every claim is a test only if it can fail. Each lab's negative controls (controls/*.ts)
// break the lesson on purpose; run in place of the variant they replace, exactly as a
// learner's own file would be (--variant), each claim they name must come out
// contradicted (or invalid where the control says so), not merely "not confirmed".
// DEVCAP_TEST_LABS=8,9 narrows the run, as in labs.test.ts.
const wanted = process.env.DEVCAP_TEST_LABS?.split(',').map(Number);
const labs = (await loadAllLabs(COMPILED_LABS_DIR)).filter(({ lab }) => !wanted || wanted.includes(lab.day));

interface Case {
  day: number;
  name: string;
  replaces: string;
  rejects: string[];
  expected: 'contradicted' | 'invalid';
  file: string;
  /** Every variant the rejected claims are judged on, the replaced one included. */
  judges: Set<string>;
}

/**
 * Controls that can share one run: each replaces a slot none of the others' claims is
 * judged on, so every claim still sees its own control beside the lab's real variants,
 * exactly as in a run of its own. One run per group instead of one per control pays the
 * fixed costs (devcap's start, Redis, the comparison variants' rounds) once.
 */
export function groupControls(cases: Case[]): Case[][] {
  const groups: Case[][] = [];
  for (const entry of cases) {
    const fits = (group: Case[]) =>
      group.every((other) => other.day === entry.day && other.expected === entry.expected && !other.judges.has(entry.replaces) && !entry.judges.has(other.replaces));
    const group = groups.find(fits);
    if (group) group.push(entry);
    else groups.push([entry]);
  }
  return groups;
}

const cases: Case[] = labs.flatMap(({ lab, compiledDir }) =>
  Object.entries(lab.controls ?? {}).map(([name, control]) => ({
    day: lab.day,
    name,
    replaces: control.replaces,
    rejects: control.rejects,
    expected: control.expect ?? 'contradicted',
    file: join(compiledDir, control.file),
    judges: new Set([control.replaces, ...lab.claims.filter((claim) => control.rejects.includes(claim.id)).flatMap((claim) => claimVariants(claim))]),
  })),
);
const groups = groupControls(cases);
const runs = new Map<Case[], Promise<CliResult>>();
/** The group's run, started by the first of its tests to ask for it. */
function runOf(group: Case[]): Promise<CliResult> {
  let run = runs.get(group);
  if (!run) {
    const args = ['lab', String(group[0]!.day), '--quick', '--json', '--claims', group.flatMap((entry) => entry.rejects).join(',')];
    for (const entry of group) args.push('--variant', `${entry.replaces}=${entry.file}`);
    run = runCli(args);
    runs.set(group, run);
  }
  return run;
}

describe.each(cases.map((entry) => [entry.day, entry.name, entry] as const))('lab %i, control %s', (_day, _name, entry) => {
  const group = groups.find((candidate) => candidate.includes(entry))!;
  const company = group.filter((other) => other !== entry).map((other) => other.name);
  it(`is rejected: ${entry.rejects.join(', ')} → ${entry.expected}${company.length ? ` (in one run with ${company.join(', ')})` : ''}`, async () => {
    const { code, stdout, stderr } = await runOf(group);
    expect(stderr).toBe('');
    const result = JSON.parse(stdout) as LabResult;
    expect(result.variants.find((variant) => variant.name === entry.replaces)).toMatchObject({ substituted: true, file: entry.file });
    const verdicts = Object.fromEntries(result.claims.filter((claim) => entry.rejects.includes(claim.id)).map((claim) => [claim.id, claim.verdict]));
    const sentences = result.claims.map((claim) => claim.sentence).join('\n');
    expect(verdicts, sentences).toEqual(Object.fromEntries(entry.rejects.map((id) => [id, entry.expected])));
    // The run judged exactly the group's claims, so its exit code is this control's too.
    expect(result.claims.map((claim) => claim.id).sort()).toEqual(group.flatMap((other) => other.rejects).sort());
    expect(code).toBe(entry.expected === 'invalid' ? 4 : 1);
  }, 360_000);
});

describe('groupControls', () => {
  const make = (name: string, replaces: string, judges: string[], day = 1): Case => ({ day, name, replaces, rejects: [name], expected: 'contradicted', file: name, judges: new Set([replaces, ...judges]) });
  it('puts controls together only when none replaces a variant another one is judged on', () => {
    const a = make('a', 'x', ['base']);
    const b = make('b', 'y', ['base']);
    const c = make('c', 'z', ['x']);
    const d = make('d', 'x', ['base'], 2);
    expect(groupControls([a, b, c, d])).toEqual([[a, b], [c], [d]]);
  });
  it('never shares a run between a control expected contradicted and one expected invalid', () => {
    const a = make('a', 'x', ['base']);
    const b = { ...make('b', 'y', ['base']), expected: 'invalid' as const };
    expect(groupControls([a, b])).toEqual([[a], [b]]);
  });
});
