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

// The harness's entry points, where the commands and tests have always found them.
export { resolveConfig, narrowed } from './plan.js';
export { processHost, provide, serviceEnvName } from './provide.js';
export { resolveRequests } from './requests.js';
export { interimClaims, timeLeft } from './run-rounds.js';
export { bracket } from './run-once.js';
export { invalidity, wrongAnswers, MAX_FAILED_SHARE } from './validity.js';
export { MIN_ROUNDS } from './sequential.js';
export { startVariant } from './variant-group.js';
export type { Progress, RunOptions, ServiceChoices } from './run-context.js';
