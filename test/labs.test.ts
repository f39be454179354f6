import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { COMPILED_LABS_DIR, loadAllLabs } from '../dist/src/lab/registry.js';
import { claimVariants } from '../dist/src/lab/types.js';
import type { LabResult } from '../dist/src/report/result.js';
import { runCli } from './run-cli.js';

// Every lab, run as a user would in CI: `devcap lab N --quick --json`. Each claim must be
// evaluated and confirmed; the thresholds sit far below the effects, so this is stable.
const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(new URL('../schema/lab-result.schema.json', import.meta.url), 'utf8')) as object);

// DEVCAP_TEST_LABS=1,2 narrows the run (CI uses it for the second Node version).
const wanted = process.env.DEVCAP_TEST_LABS?.split(',').map(Number);
const labs = (await loadAllLabs(COMPILED_LABS_DIR)).filter(({ lab }) => !wanted || wanted.includes(lab.day));

// Each lab runs once: the lab-specific tests below read the same run's result (a second
// quick run of lab 2 cost 40 s of CI and proved nothing the first could not).
const quickRuns = new Map<number, ReturnType<typeof runCli>>();
const quickRun = (day: number) => {
  if (!quickRuns.has(day)) quickRuns.set(day, runCli(['lab', String(day), '--quick', '--json']));
  return quickRuns.get(day)!;
};

describe.each(labs.map(({ lab }) => [lab.day, lab.slug, lab] as const))('devcap lab %i (%s) --quick --json', (day, _slug, lab) => {
  it('confirms every claim and reports a complete result', async () => {
    const { code, stdout, stderr } = await quickRun(day);
    expect(stderr).toBe('');
    const result = JSON.parse(stdout) as LabResult;
    expect(validate(result), JSON.stringify(validate.errors)).toBe(true);
    const failing = result.claims.filter((claim) => claim.verdict !== 'confirmed').map((claim) => claim.sentence);
    expect(failing).toEqual([]);
    expect(code).toBe(0);

    expect(result.schemaVersion).toBe(1);
    expect(result.lab.day).toBe(day);
    expect(result.config.mode).toBe('quick');
    expect(result.environment.cpuCount).toBeGreaterThan(0);
    expect(result.environment.node).toBe(process.version);
    expect(result.claims.map((claim) => claim.id)).toEqual(lab.claims.map((claim) => claim.id));
    // A quick run loads what a claim judges, nothing more, and says what it left out.
    const judged = new Set(lab.claims.flatMap((claim) => (claim.kind === 'scenario' ? [] : claimVariants(claim))));
    const full = lab.workload.variants ?? Object.keys(lab.variants);
    expect(result.config.variants).toEqual(full.filter((name) => judged.has(name)));
    expect(result.config.notLoaded).toEqual(full.filter((name) => !judged.has(name)));
    const loaded = new Set(result.config.variants);
    const measured = (lab.measures ?? []).filter((measure) => loaded.has(measure.numerator) && loaded.has(measure.denominator));
    expect(result.measures.map((measure) => measure.id)).toEqual(measured.map((measure) => measure.id));

    // Sequential rounds: the run stopped at one of its looks, once every claim was decided or at the cap.
    const plan = result.rounds!;
    if (loaded.size) {
      expect(plan.cap).toBe(result.config.rounds);
      expect(plan.looks).toContain(plan.ran);
      expect(plan.stopped === 'decided' ? plan.ran < plan.cap : plan.stopped === 'cap' && plan.ran === plan.cap).toBe(true);
    } else expect(plan.stopped).toBe('none');
    expect(result.runs).toHaveLength(loaded.size * plan.ran * result.config.connections.length);
    for (const run of result.runs) {
      expect(run.metrics.requestsPerSec).toBeGreaterThan(0);
      expect(run.metrics.rssPeakBytes).toBeGreaterThan(1024 * 1024);
      expect(run.metrics.eventLoopUtilization).toBeGreaterThan(0);
    }
    // fresh process per variant per round
    const pids = result.runs.map((run) => run.pid);
    expect(new Set(pids).size).toBe(pids.length);
    // Every judged claim stands on every round of the run, and no run was invalid.
    for (const claim of result.claims) if (claim.kind !== 'scenario') expect(claim.rounds, claim.id).toBe(plan.ran);
    expect(result.runs.filter((run) => run.invalid).map((run) => `${run.variant}: ${run.invalid}`)).toEqual([]);
  });
});

describe('lab-specific results', () => {
  it.skipIf(wanted && !wanted.includes(1))('lab 1 without --quick: Express clears 1,000 req/s, and node:http is measured beside it', async () => {
    // node:http is in no claim, so only a full run loads it: 3 rounds of 1 s at 10 connections here.
    const { stdout } = await runCli(['lab', '1', '--rounds', '3', '--duration', '1', '--connections', '10', '--json']);
    const result = JSON.parse(stdout) as LabResult;
    expect(result.config).toMatchObject({ mode: 'default', variants: ['node-http', 'express'], notLoaded: [] });
    const express = result.summary.find((row) => row.variant === 'express')!;
    expect(express.metrics.requestsPerSec!.median).toBeGreaterThan(1000);
    // node:http does less per request than Express: the measure must say it is faster.
    expect(result.measures.find((measure) => measure.id === 'express-cost')!.estimate).toBeGreaterThan(1);
  });

  it.skipIf(wanted && !wanted.includes(2))('lab 2: the model prints a prediction for each variant next to the measurement', async () => {
    const { stdout } = await quickRun(2);
    const result = JSON.parse(stdout) as LabResult;
    expect(result.model!.calibration.workMs).toBeGreaterThan(1);
    expect(result.model!.predictions.map((prediction) => prediction.variant)).toEqual(['pbkdf2-sync', 'pbkdf2-async', 'worker-pool']);
    // calibrated per run, right before its load: every run carries its own prediction
    for (const run of result.runs) expect(run.predicted?.requestsPerSec, run.variant).toBeGreaterThan(0);
    // The side stream is open-loop: a run of d seconds at r pings/s schedules about d × r
    // pings, whatever the server does. A closed-loop stream behind a server that blocks for
    // 25 ms at a time gets far fewer (one per blocked answer), so three quarters fails it.
    const scheduled = result.config.durationSec * result.config.side!.ratePerSec!;
    for (const run of result.runs) expect(run.metrics.sidePings).toBeGreaterThanOrEqual(0.75 * scheduled);
  });
});
