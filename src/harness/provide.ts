/** Providing a lab run: real services (Redis, the database, PostgreSQL), the lab's data and its own services. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrerequisiteError } from '../errors.js';
import type { ProcessHost } from '../infra/host.js';
import { provideRequirements, requirementsOf, unmetBy } from '../infra/requirements.js';
import type { LabResult, SkippedVariant } from '../report/result.js';
import { own, ownChild, ownTempDir } from './cleanup.js';
import type { CheckedRequest } from './load.js';
import { resolveRequests } from './requests.js';
import { isSkippedIn, type Provided, type ProvidedRun, type RunContext, type ServiceChoices } from './run-context.js';
import { VariantProcess } from './variant-process.js';
import { envStem, paramEnv } from './variant-group.js';

/** How infra starts and owns the service processes: the harness's own process handling. */
export const processHost: ProcessHost = {
  startNode: (options) => VariantProcess.start(options),
  own: (child, name, signatures) => ownChild(child, name, signatures),
  ownKeys: (url, keyPrefix, release) => own({ name: `Redis keys ${keyPrefix}*`, redisKeys: { url, keyPrefix }, release, kill: () => {} }),
  ownDir: (dir) => ownTempDir(dir),
};

/** What providing needs of a run; `serve` and `profile` provide one variant's services the same way. */
export type ProvideContext = Pick<RunContext, 'loaded' | 'config' | 'progress' | 'releases'>;

/** Real services (Redis, the database), the lab's data and its own services. */
export async function provide({ loaded, config, progress, releases }: ProvideContext, choices: ServiceChoices = {}): Promise<Provided> {
  const { lab } = loaded;
  const env: Record<string, string> = {};
  const services: LabResult['services'] = [];
  const requirements = await provideRequirements(requirementsOf(lab), progress, { ...choices, host: processHost, labModule: join(loaded.compiledDir, 'lab.js') });
  releases.push(requirements.release);
  Object.assign(env, requirements.env);
  for (const note of requirements.notes) services.push({ name: note.slice(0, note.indexOf(':')), summary: note.slice(note.indexOf(':') + 2) });
  // Variants whose real services are missing are skipped with their claims; the run fails
  // with a missing prerequisite only when nothing at all could run.
  const skipped: SkippedVariant[] = [];
  for (const name of Object.keys(lab.variants)) {
    const unmet = unmetBy(lab, name, requirements.missing);
    if (unmet.length) skipped.push({ variant: name, requires: unmet.map((entry) => entry.requirement), reason: unmet.map((entry) => entry.message).join('; ') });
  }
  const runnable = Object.keys(lab.variants).filter((name) => !skipped.some((entry) => entry.variant === name));
  if (skipped.length && !runnable.length) {
    const first = requirements.missing[0]!;
    throw new PrerequisiteError(`DEVCAP_${first.requirement.toUpperCase()}_MISSING`, `${lab.slug}: nothing can run. ${first.message}`);
  }
  if (lab.setup) {
    const tempDir = mkdtempSync(join(tmpdir(), `devcap-${lab.slug}-`));
    releases.push(ownTempDir(tempDir));
    progress.phase(`${lab.slug}: preparing data`);
    Object.assign(env, await lab.setup({ tempDir, params: config.params, env: { ...env } }));
  }
  for (const [name, definition] of Object.entries(lab.services ?? {})) {
    progress.phase(`${lab.slug}: starting ${name}`);
    const service = await VariantProcess.start({
      name: `${lab.slug}/${name}`,
      file: loaded.servicePath(name),
      env: { ...env, ...definition.env, ...paramEnv(loaded, config) },
      readyPath: definition.readyPath,
    });
    releases.push(() => service.stop());
    env[serviceEnvName(name)] = `http://127.0.0.1:${service.port}`;
    services.push({ name, summary: definition.summary });
  }
  return { env, redis: requirements.redis, skipped, services };
}

/** The run with its services up, the variants that can run, and their requests, worked out once per variant before the first round. */
export async function provideRun(run: RunContext): Promise<ProvidedRun> {
  const { loaded, config, options } = run;
  const provided = await provide(run, { redis: options.redis, postgresBin: options.postgresBin });
  const isSkipped = isSkippedIn(provided);
  const names = config.variants.filter((name) => !isSkipped(name));
  const requests = new Map<string, CheckedRequest[]>();
  for (const name of names) requests.set(name, await resolveRequests(loaded.lab, name, config, provided.env));
  config.requests = Math.max(0, ...[...requests.values()].map((list) => list.length));
  return { ...run, environment: { ...run.environment, redis: provided.redis }, provided, names, requests };
}

/** `user-api` → `USER_API_URL`. */
export function serviceEnvName(service: string): string {
  return `${envStem(service)}_URL`;
}
