/** A lab run's scenario claims: each on a fresh process of its variant, requests with exact expected answers. */
import type { ClaimResult } from '../report/result.js';
import { isSkippedIn, type ProvidedRun } from './run-context.js';
import { runScenario } from './scenario.js';
import { VariantGroup } from './variant-group.js';

export async function runScenarios(run: ProvidedRun): Promise<ClaimResult[]> {
  const { loaded, config, progress, provided } = run;
  const isSkipped = isSkippedIn(provided);
  const scenarioResults: ClaimResult[] = [];
  for (const claim of loaded.lab.claims) {
    if (claim.kind !== 'scenario' || isSkipped(claim.variant)) continue;
    progress.phase(`${loaded.lab.slug}: scenario ${claim.id}`);
    // A scenario may run its process at parameters of its own (the lesson's lifetime beside a shortened one).
    const at = claim.params ? { ...config, params: { ...config.params, ...claim.params } } : config;
    const group = await VariantGroup.start(loaded, claim.variant, at, provided.env);
    try {
      scenarioResults.push(
        await runScenario(claim, group.port, { params: at.params, env: provided.env, serverOutput: () => group.server.outputText(), processes: group }),
      );
    } finally {
      await group.stop();
    }
  }
  return scenarioResults;
}
