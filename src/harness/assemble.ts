/** The LabResult of a run: claims judged, measures, the model, warnings, from what was measured. */
import { performance } from 'node:perf_hooks';
import { claimVariants, type AnyLab } from '../lab/types.js';
import { SCHEMA_VERSION, type ClaimResult, type Environment, type LabResult, type MeasureResult, type RoundRun, type RunConfig, type SkippedVariant } from '../report/result.js';
import { evaluateClaim, evaluateMeasure, summarise, worstVerdict } from './evaluate.js';
import { GENERATOR_BOUND_CORES } from './load.js';
import { modelResult } from './model.js';
import { labHeader } from './plan.js';
import type { Measured, ProvidedRun } from './run-context.js';

export function assemble(run: ProvidedRun, { runs, plan, scenarios }: Measured): LabResult {
  const { loaded, options, config, environment, provided, table } = run;
  const { lab } = loaded;
  const names = Object.keys(lab.variants);
  const at = config.claimsAtConnections;
  const context = { runs, connections: at, table, sidePath: config.side?.path, level: plan.level };
  const skippedFor = (variants: string[]) => provided.skipped.filter((entry) => variants.includes(entry.variant));
  const judging = performance.now();
  const claims = lab.claims.map((claim) => {
    const variants = claimVariants(claim);
    const missing = skippedFor(variants);
    if (missing.length) return skippedClaim(claim, variants, missing);
    return claim.kind === 'scenario' ? scenarios.find((result) => result.id === claim.id)! : evaluateClaim(claim, context);
  });
  const measures = (lab.measures ?? [])
    .filter((measure) => !skippedFor([measure.numerator, measure.denominator]).length)
    .map((measure) => evaluateMeasure(measure, context))
    .filter((measure): measure is MeasureResult => measure !== null);
  const model = modelResult(lab, config, runs, at, (variant) => skippedFor([variant]).length > 0);
  run.clock.add('judge', performance.now() - judging);
  const wallMs = performance.now() - run.startedMs;

  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'devcap', version: options.version },
    lab: labHeader(lab),
    startedAt: run.startedAt,
    wallTimeMs: Math.round(wallMs),
    environment,
    config,
    metrics: Object.fromEntries(
      [...new Set(runs.flatMap((entry) => Object.keys(entry.metrics)))].map((name) => [name, table[name] ?? { label: name, unit: 'count', better: 'higher' }]),
    ),
    services: provided.services,
    variants: names.map((name) => ({
      name,
      summary: lab.variants[name]!.summary,
      file: config.substitutes[name] ?? lab.variants[name]!.file,
      substituted: name in config.substitutes,
    })),
    runs,
    rounds: plan,
    timing: run.clock.timing(wallMs),
    summary: summarise(runs),
    claims,
    measures,
    model,
    skipped: provided.skipped,
    warnings: runWarnings(runs, config, environment),
    outcome: worstVerdict(claims.flatMap((claim) => (claim.verdict === 'skipped' ? [] : [claim.verdict]))),
  };
}

/** What the reader should know about how the numbers were taken: a bound generator, invalid or failing runs, substitutes, a busy machine. */
export function runWarnings(runs: RoundRun[], config: RunConfig, environment: Environment): string[] {
  const warnings: string[] = [];
  const boundRuns = runs.filter((run) => run.generatorBound);
  if (boundRuns.length) {
    const where = [...new Set(boundRuns.map((run) => `${run.variant} at ${run.connections} connections`))].join(', ');
    warnings.push(`the load generator used ${GENERATOR_BOUND_CORES} of a core or more (${where}): there the generator, not the server, set the limit`);
  }
  const invalidRuns = runs.filter((run) => run.invalid);
  for (const run of invalidRuns) warnings.push(`${run.variant}, round ${run.round + 1}: invalid run: ${run.invalid}`);
  const failing = runs.filter((run) => !run.invalid && (run.errors > 0 || run.timeouts > 0));
  if (failing.length) warnings.push(`${failing.length} run(s) saw a few connection errors or timeouts (under 1%); see runs[].errors and runs[].timeouts`);
  for (const [name, file] of Object.entries(config.substitutes)) warnings.push(`${name} is not the lab's own code: --variant ran ${file} in its place`);
  const loadAverage = environment.loadAverage[0];
  if (loadAverage > environment.cpuCount) {
    warnings.push(`the machine was already busy (1-minute load average ${loadAverage} on ${environment.cpuCount} CPUs): expect wider intervals`);
  }
  return warnings;
}

/** A claim that could not be evaluated because a variant it needs was skipped. */
function skippedClaim(claim: AnyLab['claims'][number], variants: string[], missing: SkippedVariant[]): ClaimResult {
  return {
    id: claim.id,
    kind: claim.kind,
    statement: claim.statement,
    metric: claim.kind === 'scenario' ? null : claim.metric,
    verdict: 'skipped',
    estimate: null,
    ci95: null,
    threshold: null,
    direction: null,
    variants,
    connections: null,
    samples: {},
    rounds: 0,
    sentence: `skipped: ${missing.map((entry) => `${entry.variant} needs ${entry.requires.join(', ')}`).join('; ')}`,
  };
}
