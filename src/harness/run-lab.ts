/**
 * One lab run, job by job around one run context (run-context.ts): plan (plan.ts), provide
 * its services (provide.ts), the rounds (run-rounds.ts) of single runs (run-once.ts) judged
 * valid or not (validity.ts), the scenarios (scenarios.ts), then the result with the model
 * (assemble.ts, model.ts). Everything started is released in `finally`, and by the cleanup
 * registry if we are interrupted.
 */
import type { LoadedLab } from '../lab/registry.js';
import type { LabResult } from '../report/result.js';
import { assemble } from './assemble.js';
import { planRun } from './plan.js';
import { provideRun } from './provide.js';
import { silent, type Progress, type RunOptions } from './run-context.js';
import { announcePlan, decidedBy, runRounds } from './run-rounds.js';
import { runScenarios } from './scenarios.js';

export async function runLab(original: LoadedLab, options: RunOptions, progress: Progress = silent): Promise<LabResult> {
  const planned = planRun(original, options, progress);
  try {
    const run = await planned.clock.time('provide', () => provideRun(planned));
    announcePlan(run);
    const { runs, plan } = await runRounds(run, decidedBy(run));
    const scenarios = await planned.clock.time('scenarios', () => runScenarios(run));
    return assemble(run, { runs, plan, scenarios });
  } finally {
    for (const release of planned.releases.reverse()) await release();
  }
}

// What the commands take from a run besides runLab: the plan's sizes, and services for one variant (serve, profile).
export { resolveConfig } from './plan.js';
export { provide } from './provide.js';
export type { Progress, RunOptions } from './run-context.js';
