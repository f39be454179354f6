import { describe, expect, it } from 'vitest';
import { diagnose, quotaFromCpuMax, renderFindings, type MachineFacts } from './doctor.js';

const fit: MachineFacts = {
  node: '20.20.2',
  cores: 2,
  quotaCpus: null,
  load1: 0.1,
  availableBytes: 8 * 1024 ** 3,
  openFileLimit: 1_048_576,
  terminal: { tty: true, columns: 120 },
  redis: { found: true, detail: 'found: /usr/bin/redis-server', version: '7.0.15' },
  postgres: { found: true, detail: 'found in /usr/lib/postgresql/15/bin (/usr/lib/postgresql)', version: 'PostgreSQL 15.8' },
};

const health = (facts: MachineFacts, check: string) => diagnose(facts).find((finding) => finding.check === check)!;

describe('doctor', () => {
  it('finds nothing to say about a fit machine', () => {
    expect(diagnose(fit).every((finding) => finding.health === 'ok' && finding.advice === '')).toBe(true);
    expect(renderFindings(diagnose(fit))).toMatch(/fit to measure\.$/);
  });

  it('warns about a container quota below 2 CPUs, even on a many-core host', () => {
    const finding = health({ ...fit, cores: 32, quotaCpus: 1 }, 'cores');
    expect(finding.health).toBe('warn');
    expect(finding.value).toContain('a container quota of 1.00 CPUs');
  });

  it('judges load against the usable cores, not the host\'s', () => {
    expect(health({ ...fit, load1: 1.5 }, 'load').health).toBe('warn');
    expect(health({ ...fit, cores: 16, load1: 1.5 }, 'load').health).toBe('ok');
    expect(health({ ...fit, cores: 16, quotaCpus: 2, load1: 1.5 }, 'load').health).toBe('warn');
  });

  it('fails an old Node and says how to get a new one', () => {
    const finding = health({ ...fit, node: '18.19.0' }, 'node');
    expect(finding.health).toBe('fail');
    expect(finding.advice).toMatch(/Node\.js 20/);
  });

  it('says what to do about a missing Redis, low memory, few file descriptors and a 0-column terminal', () => {
    const facts: MachineFacts = { ...fit, availableBytes: 300 * 1024 ** 2, openFileLimit: 256, terminal: { tty: true, columns: 0 }, redis: { found: false, detail: 'not found', version: null }, postgres: { found: false, detail: 'not found (no initdb on PATH)', version: null } };
    expect(health(facts, 'redis').advice).toMatch(/apt-get install redis-server/);
    expect(health(facts, 'postgres')).toMatchObject({ health: 'warn', value: 'not found (no initdb on PATH)' });
    expect(health(facts, 'postgres').advice).toMatch(/apt-get install postgresql.*--postgres-bin/);
    expect(health(facts, 'memory').health).toBe('warn');
    expect(health(facts, 'open files').advice).toMatch(/ulimit -n/);
    expect(health(facts, 'terminal').advice).toMatch(/plain lines/);
    expect(renderFindings(diagnose(facts))).toMatch(/4 things to look at/);
  });

  it('reads the cgroup CPU quota (memory and open files come from the preflight\'s own readers)', () => {
    expect(quotaFromCpuMax('max 100000\n')).toBeNull();
    expect(quotaFromCpuMax('150000 100000\n')).toBe(1.5);
  });
});
