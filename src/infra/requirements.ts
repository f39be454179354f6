/**
 * The real services a lab declares in `requires` (lab-wide) and per variant: started
 * before the lab's own setup and services, stopped after. What cannot be provided is
 * reported, not thrown: the lab runs the variants that do without it.
 */
import type { AnyLab, Requirement } from '../lab/types.js';
import { startDatabase } from './database.js';
import type { ProcessHost } from './host.js';
import { DevcapError, HarnessError } from '../errors.js';
import { describeSource, findRedis, REDIS_HOW_TO, startRedis, type GivenRedis } from './redis.js';
import { describePostgres, findPostgres, POSTGRES_HOW_TO, startPostgres } from './postgres.js';

export interface MissingRequirement {
  requirement: Requirement;
  /** What is missing and how to get it, in one sentence. */
  message: string;
}

export interface ProvidedRequirements {
  /** For every process of the run: REDIS_URL, REDIS_KEY_PREFIX, DATABASE_URL, POSTGRES_PRIMARY_URL, POSTGRES_STANDBY_URL. */
  env: Record<string, string>;
  missing: MissingRequirement[];
  /** One line per service provided, e.g. `redis: redis-server on port 41233, started for this run`. */
  notes: string[];
  /** Which Redis the run used, in words; null when it used none. */
  redis: string | null;
  release(): Promise<void>;
}

/** Everything the lab or any of its variants needs. */
export function requirementsOf(lab: AnyLab): Requirement[] {
  const all = new Set<Requirement>(lab.requires ?? []);
  for (const variant of Object.values(lab.variants)) for (const requirement of variant.requires ?? []) all.add(requirement);
  return [...all];
}

/** The requirements a variant cannot have in this run. */
export function unmetBy(lab: AnyLab, variant: string, missing: MissingRequirement[]): MissingRequirement[] {
  const needs = lab.variants[variant]?.requires ?? [];
  return missing.filter((entry) => needs.includes(entry.requirement));
}

export async function provideRequirements(
  needs: Requirement[],
  progress: { phase(text: string): void },
  /** `labModule`: the compiled lab.js, whose `database` the database process seeds. */
  options: { redis?: GivenRedis; postgresBin?: string; host: ProcessHost; labModule?: string },
): Promise<ProvidedRequirements> {
  let redisUsed: string | null = null;
  const env: Record<string, string> = {};
  const missing: MissingRequirement[] = [];
  const notes: string[] = [];
  const releases: Array<() => Promise<void>> = [];
  const release = async () => {
    for (const stop of releases.reverse()) await stop();
  };
  try {
    if (needs.includes('redis')) {
      const source = findRedis(process.env, options.redis);
      if (source.kind === 'missing') {
        missing.push({ requirement: 'redis', message: `Redis is needed for this part and was not found: ${REDIS_HOW_TO}` });
      } else {
        progress.phase(source.kind === 'url' ? `connecting to Redis (${source.origin})` : 'starting redis-server');
        try {
          const redis = await startRedis(source, options.host);
          releases.push(redis.release);
          env.REDIS_URL = redis.url;
          env.REDIS_KEY_PREFIX = redis.keyPrefix;
          notes.push(`redis: ${redis.description}`);
          redisUsed = redis.description;
        } catch (error) {
          // A named Redis that does not answer is as good as none: skip what needs it, say why.
          if (!(error instanceof DevcapError && error.code === 'DEVCAP_REDIS_UNREACHABLE')) throw error;
          missing.push({ requirement: 'redis', message: `${error.message}; start it, or leave out --redis-url and DEVCAP_REDIS_URL to use a private redis-server` });
        }
      }
    }
    if (needs.includes('database')) {
      if (!options.labModule) throw new HarnessError('DEVCAP_NO_DATABASE', 'the database was asked for without the lab whose tables it holds');
      progress.phase("starting the database (SQLite via sql.js, seeded with the lab's tables)");
      const database = await startDatabase(options.host, options.labModule);
      releases.push(database.release);
      env.DATABASE_URL = database.url;
      notes.push(`database: SQLite (sql.js) in its own process at ${database.url}`);
    }
    if (needs.includes('postgres')) {
      const source = findPostgres(options.postgresBin);
      if (source.kind === 'missing') {
        missing.push({ requirement: 'postgres', message: `PostgreSQL is needed for this part and was not found (${source.reason}): ${POSTGRES_HOW_TO}` });
      } else {
        progress.phase('starting PostgreSQL: a primary, and a hot standby streaming from it');
        const postgres = await startPostgres(source, options.host);
        releases.push(postgres.release);
        env.POSTGRES_PRIMARY_URL = postgres.primaryUrl;
        env.POSTGRES_STANDBY_URL = postgres.standbyUrl;
        notes.push(`postgres: ${postgres.description}`);
      }
    }
  } catch (error) {
    await release();
    throw error;
  }
  return { env, missing, notes, redis: redisUsed, release };
}

/** For `devcap list`: whether each requirement is available here, without starting anything. */
export function availability(): Record<Requirement, { found: boolean; detail: string }> {
  const redis = findRedis();
  return {
    redis: { found: redis.kind !== 'missing', detail: describeSource(redis) },
    database: { found: true, detail: 'built in: SQLite via sql.js, in its own process' },
    postgres: (() => {
      const source = findPostgres();
      return { found: source.kind !== 'missing', detail: describePostgres(source) };
    })(),
  };
}
