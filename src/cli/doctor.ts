/**
 * `devcap doctor`: is this machine fit to measure? Each line is a fact read off the machine,
 * whether it is fit for devcap's verdicts, and what to do when it is not. Nothing is started
 * and nothing is loaded: it reads /proc, /sys and os (without /proc: os, ps and ulimit, see
 * harness/platform.ts), and asks redis-server and postgres their versions.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { procAvailable } from '../harness/platform.js';
import { machineLimits } from '../harness/preflight.js';
import { describeSource, findRedis } from '../infra/redis.js';
import { findPostgres, postgresVersion } from '../infra/postgres.js';

export type Health = 'ok' | 'warn' | 'fail';

export interface Finding {
  check: string;
  health: Health;
  /** What was read, e.g. `2 cores (no container quota)`. */
  value: string;
  /** What to do about it; empty when all is well. */
  advice: string;
}

/** What the checks read; the defaults read this machine, tests pass their own. */
export interface MachineFacts {
  node: string;
  cores: number;
  /** CPUs a container's cgroup quota allows (cpu.max), or null when there is none. */
  quotaCpus: number | null;
  load1: number;
  availableBytes: number;
  openFileLimit: number | null;
  terminal: { tty: boolean; columns: number | undefined };
  redis: { found: boolean; detail: string; version: string | null };
  /** Where initdb, postgres and pg_basebackup were found, and `PostgreSQL 15.8`. */
  postgres: { found: boolean; detail: string; version: string | null };
}

const readText = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

/** cgroup v2 `cpu.max`: "max 100000" (no quota) or "150000 100000" (1.5 CPUs). */
export function quotaFromCpuMax(text: string | null): number | null {
  const match = /^(\d+)\s+(\d+)/.exec(text?.trim() ?? '');
  return match ? Number(match[1]) / Number(match[2]) : null;
}

export function readMachine(): MachineFacts {
  const source = findRedis();
  let version: string | null = null;
  if (source.kind === 'binary') {
    const answer = spawnSync(source.path, ['--version'], { encoding: 'utf8', timeout: 2000 });
    version = /v=(\S+)/.exec(answer.stdout ?? '')?.[1] ?? null;
  }
  const limits = machineLimits();
  const postgres = findPostgres();
  return {
    node: process.versions.node,
    cores: typeof availableParallelism === 'function' ? availableParallelism() : cpus().length,
    quotaCpus: procAvailable() ? quotaFromCpuMax(readText('/sys/fs/cgroup/cpu.max')) : null,
    load1: loadavg()[0]!,
    // The same figures the preflight refuses a run by (DEVCAP_TOO_BIG); an open-file limit it
    // could not read comes back infinite, which doctor shows as unknown.
    availableBytes: limits.availableMemoryBytes,
    openFileLimit: Number.isFinite(limits.openFiles) ? limits.openFiles : null,
    terminal: { tty: Boolean(process.stderr.isTTY), columns: process.stderr.columns },
    redis: { found: source.kind !== 'missing', detail: describeSource(source), version },
    postgres:
      postgres.kind === 'missing'
        ? { found: false, detail: `not found (${postgres.reason})`, version: null }
        : { found: true, detail: `found in ${postgres.dir} (${postgres.origin})`, version: postgresVersion(postgres.dir) },
  };
}

const GiB = 1024 ** 3;

export function diagnose(facts: MachineFacts): Finding[] {
  const findings: Finding[] = [];
  const major = Number(facts.node.split('.')[0]);
  findings.push({
    check: 'node',
    health: major >= 20 ? 'ok' : 'fail',
    value: `v${facts.node}`,
    advice: major >= 20 ? '' : 'devcap needs Node.js 20 or later (nvm install 22, or npx -y node@22)',
  });

  const usable = facts.quotaCpus === null ? facts.cores : Math.min(facts.cores, facts.quotaCpus);
  findings.push({
    check: 'cores',
    health: usable >= 2 ? 'ok' : 'warn',
    value: `${facts.cores} core${facts.cores === 1 ? '' : 's'}${facts.quotaCpus === null ? ' (no container quota)' : `, a container quota of ${facts.quotaCpus.toFixed(2)} CPUs`}`,
    advice:
      usable >= 2
        ? ''
        : 'below 2 usable cores the server and the load generator share one: a lab measures their contention, and some claims come out inconclusive; give the machine or container 2 CPUs',
  });

  const busy = facts.load1 / usable;
  findings.push({
    check: 'load',
    health: busy < 0.5 ? 'ok' : 'warn',
    value: `load average ${facts.load1.toFixed(2)} over the last minute (${Math.round(busy * 100)}% of ${usable} core${usable === 1 ? '' : 's'})`,
    advice:
      busy < 0.5
        ? ''
        : 'other work is using the cores: measurements will be noisier and slower; close builds, browsers and other tests, or give the labs more --rounds',
  });

  findings.push({
    check: 'memory',
    health: facts.availableBytes >= 1 * GiB ? 'ok' : 'warn',
    value: `${(facts.availableBytes / GiB).toFixed(1)} GiB available`,
    advice: facts.availableBytes >= 1 * GiB ? '' : 'labs 3 and 5 hold big files in memory on purpose; below 1 GiB lower their --set fileKb / fileMb',
  });

  if (facts.openFileLimit !== null) {
    const enough = facts.openFileLimit >= 1024;
    findings.push({
      check: 'open files',
      health: enough ? 'ok' : 'warn',
      value: `${facts.openFileLimit === Number.POSITIVE_INFINITY ? 'unlimited' : facts.openFileLimit} per process`,
      advice: enough ? '' : 'every connection is a file descriptor: raise it with ulimit -n 4096, or keep --connections low',
    });
  }

  const width = facts.terminal.columns;
  findings.push({
    check: 'terminal',
    health: 'ok',
    value: facts.terminal.tty ? `a terminal, ${width ? `${width} columns` : 'width unknown (0 columns)'}` : 'not a terminal (output is plain lines)',
    advice: facts.terminal.tty && !width ? 'the progress spinner needs a known width; devcap prints plain lines instead (stty cols 100 sets one)' : '',
  });

  findings.push({
    check: 'redis',
    health: facts.redis.found ? 'ok' : 'warn',
    value: `${facts.redis.detail}${facts.redis.version ? ` (redis-server ${facts.redis.version})` : ''}`,
    advice: facts.redis.found ? '' : 'labs 11 and 12 skip their Redis variants without it: apt-get install redis-server or brew install redis',
  });

  findings.push({
    check: 'postgres',
    health: facts.postgres.found ? 'ok' : 'warn',
    value: `${facts.postgres.version ?? 'PostgreSQL'} ${facts.postgres.detail}`.replace(/^PostgreSQL not found/, 'not found'),
    advice: facts.postgres.found
      ? ''
      : 'lab 17 is skipped without it: apt-get install postgresql, brew install postgresql@16, or the PGDG packages; --postgres-bin <dir> (or DEVCAP_POSTGRES_BIN) names another installation',
  });
  return findings;
}

export function renderFindings(findings: Finding[]): string {
  const width = Math.max(...findings.map((finding) => finding.check.length));
  const lines = findings.map((finding) => {
    const mark = finding.health === 'ok' ? 'ok  ' : finding.health === 'warn' ? 'warn' : 'FAIL';
    return `${mark}  ${finding.check.padEnd(width)}  ${finding.value}${finding.advice ? `\n      ${' '.repeat(width)}  → ${finding.advice}` : ''}`;
  });
  const unfit = findings.filter((finding) => finding.health !== 'ok').length;
  lines.push('', unfit ? `${unfit} thing${unfit === 1 ? '' : 's'} to look at before trusting a run here.` : 'This machine is fit to measure.');
  return lines.join('\n');
}
