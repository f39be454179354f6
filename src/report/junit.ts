import { isResult, type ClaimResult, type LabFailure, type LabResult } from './result.js';

/**
 * `--junit <file>`: what CI systems and GitHub Classroom read. One <testsuite> per lab, one
 * <testcase> per claim, named by the claim's id and statement so a dashboard says which lesson
 * failed. `confirmed` passes; `contradicted` is a <failure>; `invalid` an <error> (the run
 * could not judge); `inconclusive` a <failure> under `--strict`, else <skipped>; a claim
 * skipped for a missing service <skipped>. The message is the claim's sentence, numbers
 * included. A lab that failed to run is one <testcase> with an <error>.
 */
export interface JunitOptions {
  /** Inconclusive counts as a failure (`--strict`, and always for `check`: "not yet" is not passed). */
  strict: boolean;
  /** `check`: a learner's server that answered wrongly is "not yet", a failure of theirs, not an error of the run. */
  invalidAsFailure?: boolean;
  /** The suite's name for one lab; `lab N · slug` by default, `check N · file` for a check. */
  suiteName?: (lab: { day: number; slug: string }) => string;
}

type Outcome = { kind: 'pass' } | { kind: 'failure' | 'error' | 'skipped'; type: string; message: string; detail: string };

export function claimOutcome(claim: ClaimResult, strict: boolean, invalidAsFailure = false): Outcome {
  const detail = claimDetail(claim);
  switch (claim.verdict) {
    case 'confirmed':
      return { kind: 'pass' };
    case 'contradicted':
      return { kind: 'failure', type: 'contradicted', message: claim.sentence, detail };
    case 'invalid':
      return { kind: invalidAsFailure ? 'failure' : 'error', type: 'invalid', message: claim.sentence, detail };
    case 'inconclusive':
      return strict ? { kind: 'failure', type: 'inconclusive', message: claim.sentence, detail } : { kind: 'skipped', type: 'inconclusive', message: claim.sentence, detail };
    case 'skipped':
      return { kind: 'skipped', type: 'skipped', message: claim.sentence, detail };
  }
}

/** The numbers behind a verdict, one per line, for the element's text. */
function claimDetail(claim: ClaimResult): string {
  const lines = [claim.statement, claim.sentence, `verdict: ${claim.verdict}`];
  if (claim.metric) lines.push(`metric: ${claim.metric}`);
  if (claim.estimate !== null) lines.push(`estimate: ${claim.estimate}`);
  if (claim.ci95) lines.push(`95% interval: ${claim.ci95[0]} to ${claim.ci95[1]}`);
  if (claim.threshold !== null) lines.push(`threshold: ${claim.direction ?? ''} ${claim.threshold}`.replace('  ', ' '));
  if (claim.band) lines.push(`band: ${claim.band[0]} to ${claim.band[1]}`);
  if (claim.variants.length) lines.push(`variants: ${claim.variants.join(', ')}`);
  lines.push(`rounds: ${claim.rounds}`);
  for (const step of claim.steps ?? []) lines.push(`step ${step.passed ? 'passed' : 'failed'}: ${step.name}${step.failure ? ` (${step.failure})` : ''}`);
  return lines.join('\n');
}

/** Text for an XML attribute or element: escaped with XML's own five entities, and without the control characters XML 1.0 cannot hold at all. */
export function xml(text: string | number): string {
  // eslint-disable-next-line no-control-regex
  return String(text)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[char]!);
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

interface Suite {
  xml: string;
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  timeMs: number;
}

function resultSuite(result: LabResult, options: JunitOptions): Suite {
  const name = options.suiteName?.(result.lab) ?? `lab ${result.lab.day} · ${result.lab.slug}`;
  const classname = `devcap.day${String(result.lab.day).padStart(2, '0')}.${result.lab.slug}`;
  const counts = { failures: 0, errors: 0, skipped: 0 };
  // Time is shared out evenly: the claims are judged together on the same rounds.
  const caseTime = result.claims.length ? result.wallTimeMs / result.claims.length : 0;
  const cases = result.claims.map((claim) => {
    const outcome = claimOutcome(claim, options.strict, options.invalidAsFailure);
    const open = `    <testcase classname="${xml(classname)}" name="${xml(`${claim.id}: ${claim.statement}`)}" time="${seconds(caseTime)}"`;
    if (outcome.kind === 'pass') return `${open}>\n      <system-out>${xml(claimDetail(claim))}</system-out>\n    </testcase>`;
    if (outcome.kind === 'failure') counts.failures++;
    else if (outcome.kind === 'error') counts.errors++;
    else counts.skipped++;
    return `${open}>\n      <${outcome.kind} type="${xml(outcome.type)}" message="${xml(outcome.message)}">${xml(outcome.detail)}</${outcome.kind}>\n    </testcase>`;
  });
  const env = result.environment;
  const properties = [
    ['devcap.version', result.tool.version],
    ['mode', result.config.mode],
    ['rounds', result.config.rounds],
    ['outcome', result.outcome],
    ['node', env.node],
    ['cpus', `${env.cpuCount} × ${env.cpuModel}`],
    ['loadAverage', env.loadAverage.join(' ')],
  ].map(([key, value]) => `      <property name="${xml(key!)}" value="${xml(value!)}"/>`);
  const tests = result.claims.length;
  const head = `  <testsuite name="${xml(name)}" tests="${tests}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}" time="${seconds(result.wallTimeMs)}" timestamp="${xml(result.startedAt.replace(/\.\d+Z$/, ''))}">`;
  return {
    xml: [head, '    <properties>', ...properties, '    </properties>', ...cases, '  </testsuite>'].join('\n'),
    tests,
    ...counts,
    timeMs: result.wallTimeMs,
  };
}

function failureSuite(failure: LabFailure, options: JunitOptions): Suite {
  const name = options.suiteName?.(failure.lab) ?? `lab ${failure.lab.day} · ${failure.lab.slug}`;
  const classname = `devcap.day${String(failure.lab.day).padStart(2, '0')}.${failure.lab.slug}`;
  const message = `${failure.error.code}: ${failure.error.message}`;
  return {
    xml: [
      `  <testsuite name="${xml(name)}" tests="1" failures="0" errors="1" skipped="0" time="0.000">`,
      `    <testcase classname="${xml(classname)}" name="the lab runs" time="0.000">`,
      `      <error type="${xml(failure.error.code)}" message="${xml(message)}">${xml(message)}</error>`,
      '    </testcase>',
      '  </testsuite>',
    ].join('\n'),
    tests: 1,
    failures: 0,
    errors: 1,
    skipped: 0,
    timeMs: 0,
  };
}

export function renderJunit(entries: Array<LabResult | LabFailure>, options: JunitOptions): string {
  const suites = entries.map((entry) => (isResult(entry) ? resultSuite(entry, options) : failureSuite(entry, options)));
  const total = (key: 'tests' | 'failures' | 'errors' | 'skipped' | 'timeMs') => suites.reduce((sum, suite) => sum + suite[key], 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="devcap" tests="${total('tests')}" failures="${total('failures')}" errors="${total('errors')}" skipped="${total('skipped')}" time="${seconds(total('timeMs'))}">`,
    ...suites.map((suite) => suite.xml),
    '</testsuites>',
    '',
  ].join('\n');
}
