/**
 * The real services a lab declares (`requires`, and the tables of its `database`), started as
 * a run starts them and owned the same way: for a lab's own test (`lab.test.ts`) of a module
 * of its variants against real Redis and its database, without a run around it.
 */
import { join } from 'node:path';
import { provideRequirements, requirementsOf } from '../infra/requirements.js';
import { resolvedRedis } from '../infra/redis.js';
import { loadLab } from '../lab/registry.js';
import { processHost } from './provide.js';

export interface LabServices {
  /** What a variant gets: REDIS_URL, REDIS_KEY_PREFIX, DATABASE_URL, POSTGRES_PRIMARY_URL, POSTGRES_STANDBY_URL. */
  env: Record<string, string>;
  /** One sentence per service this machine cannot provide (with how to get it); empty when all started. */
  missing: string[];
  /** Stops every service started (and removes the run's Redis keys). */
  release(): Promise<void>;
}

/** `folder`: the lab's folder name, e.g. `09-refresh-tokens`. */
export async function startLabServices(folder: string): Promise<LabServices> {
  const loaded = await loadLab(folder);
  const provided = await provideRequirements(requirementsOf(loaded.lab), { phase() {} }, {
    host: processHost,
    redis: await resolvedRedis(undefined, false),
    labModule: join(loaded.compiledDir, 'lab.js'),
  });
  return { env: provided.env, missing: provided.missing.map((entry) => entry.message), release: provided.release };
}
