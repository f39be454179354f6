import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode, PrerequisiteError } from '../errors.js';
import { processHost } from '../harness/provide.js';
import { runLab } from '../harness/run-lab.js';
import { defineLab } from '../lab/define.js';
import type { LoadedLab } from '../lab/registry.js';
import type { AnyLab } from '../lab/types.js';
import { availability, provideRequirements, requirementsOf, unmetBy } from './requirements.js';

const sizing = { durationSec: 1, warmupRequests: 0, rounds: 2, connections: [1] };

const lab = (variants: AnyLab['variants'], requires: AnyLab['requires'] = ['redis']): AnyLab =>
  defineLab({
    day: 99,
    slug: 'needs-redis',
    title: 'a lab that needs Redis',
    claim: 'nothing',
    summary: 'nothing',
    requires,
    variants,
    workload: { path: '/', readyPath: '/', sizing, quick: sizing },
    claims: [],
    takeaway: '',
  }) as AnyLab;

// The no-Redis machine: no REDIS_URL, no redis-server on PATH.
const saved = { PATH: process.env.PATH, REDIS_URL: process.env.REDIS_URL, DEVCAP_REDIS_URL: process.env.DEVCAP_REDIS_URL };
beforeEach(() => {
  process.env.PATH = '/nonexistent';
  // REDIS_URL is set on many machines and must change nothing
  process.env.REDIS_URL = 'redis://10.0.0.1:6379';
  delete process.env.DEVCAP_REDIS_URL;
});
afterEach(() => {
  process.env.PATH = saved.PATH;
  if (saved.REDIS_URL === undefined) delete process.env.REDIS_URL;
  else process.env.REDIS_URL = saved.REDIS_URL;
  if (saved.DEVCAP_REDIS_URL !== undefined) process.env.DEVCAP_REDIS_URL = saved.DEVCAP_REDIS_URL;
});

describe('requirements', () => {
  it('collects what the lab and its variants need', () => {
    const needs = requirementsOf(lab({ a: { file: 'a.js', summary: '', requires: ['redis'] }, b: { file: 'b.js', summary: '' } }, ['database']));
    expect(needs.sort()).toEqual(['database', 'redis']);
  });

  it('without Redis: reports it missing with how to get it, and which variants go without', async () => {
    const provided = await provideRequirements(['redis'], { phase() {} }, { host: processHost });
    expect(provided.env).toEqual({});
    expect(provided.missing).toHaveLength(1);
    expect(provided.missing[0]!.message).toMatch(/apt-get install redis-server/);
    expect(provided.missing[0]!.message).toMatch(/brew install redis/);
    expect(provided.missing[0]!.message).toMatch(/--redis-url redis:\/\/127\.0\.0\.1:6379/);
    const definition = lab({ plain: { file: 'p.js', summary: '' }, cached: { file: 'c.js', summary: '', requires: ['redis'] } });
    expect(unmetBy(definition, 'plain', provided.missing)).toEqual([]);
    expect(unmetBy(definition, 'cached', provided.missing).map((entry) => entry.requirement)).toEqual(['redis']);
    expect(availability().redis.found).toBe(false);
    await provided.release();
  });

  it('refuses to start the database without the lab whose tables it would hold', async () => {
    await expect(provideRequirements(['database'], { phase() {} }, { host: processHost })).rejects.toMatchObject({ code: 'DEVCAP_NO_DATABASE' });
  });

  it('a named Redis that does not answer counts as missing, with the reason, instead of aborting', async () => {
    const provided = await provideRequirements(['redis'], { phase() {} }, { redis: { url: 'redis://127.0.0.1:1', origin: '--redis-url' }, host: processHost });
    expect(provided.env).toEqual({});
    expect(provided.redis).toBeNull();
    expect(provided.missing.map((entry) => entry.requirement)).toEqual(['redis']);
    expect(provided.missing[0]!.message).toMatch(/the Redis at redis:\/\/127\.0\.0\.1:1 \(--redis-url\) did not answer PING: .*ECONNREFUSED/);
    await provided.release();
  });

  it('fails with a missing prerequisite (exit 3) only when nothing in the lab can run', async () => {
    const definition = lab({ only: { file: 'only.js', summary: '', requires: ['redis'] } });
    const loaded: LoadedLab = {
      lab: definition,
      folder: '99-needs-redis',
      compiledDir: '/nonexistent',
      readmePath: '/nonexistent/README.md',
      variantPath: () => '/nonexistent/only.js',
      servicePath: () => '/nonexistent/service.js',
    };
    const error = await runLab(loaded, { quick: true, params: {}, version: 'test' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PrerequisiteError);
    expect((error as PrerequisiteError).code).toBe('DEVCAP_REDIS_MISSING');
    expect((error as PrerequisiteError).exitCode).toBe(ExitCode.prerequisite);
    expect((error as PrerequisiteError).message).toMatch(/apt-get install redis-server/);
  });

  it('without PostgreSQL (--postgres-bin names a directory without it): nothing runs, exit 3, with how to get it', async () => {
    const definition = { ...lab({ replica: { file: 'r.js', summary: '', requires: ['postgres'] } }, ['postgres']), slug: 'needs-postgres' };
    const loaded: LoadedLab = {
      lab: definition,
      folder: '99-needs-postgres',
      compiledDir: '/nonexistent',
      readmePath: '/nonexistent/README.md',
      variantPath: () => '/nonexistent/r.js',
      servicePath: () => '/nonexistent/service.js',
    };
    const error = await runLab(loaded, { quick: true, params: {}, version: 'test', postgresBin: '/nonexistent' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PrerequisiteError);
    expect((error as PrerequisiteError).code).toBe('DEVCAP_POSTGRES_MISSING');
    expect((error as PrerequisiteError).exitCode).toBe(ExitCode.prerequisite);
    expect((error as PrerequisiteError).message).toMatch(/--postgres-bin names \/nonexistent, which does not hold initdb, postgres, pg_basebackup/);
    expect((error as PrerequisiteError).message).toMatch(/apt-get install postgresql.*brew install postgresql@16.*PGDG/);
  });
});
