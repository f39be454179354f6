import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LabResult, RoundRun } from '../report/result.js';
import { chanceLine, compareFiles, compareLab, readResults } from './compare.js';

function result(values: Record<string, number[]>, node = 'v20.20.2'): LabResult {
  const runs: RoundRun[] = Object.entries(values).flatMap(([variant, perRound]) =>
    perRound.map((value, round) => ({
      variant,
      connections: 10,
      round,
      order: 0,
      pid: null,
      metrics: { requestsPerSec: value },
      statusCounts: { 200: 1 },
      sideStatusCounts: null,
      errors: 0,
      timeouts: 0,
      generatorBound: false,
      invalid: null,
    })),
  );
  return {
    schemaVersion: 1,
    lab: { slug: 'hello-throughput', day: 1 },
    environment: { node, cpuCount: 2, cpuModel: 'test' },
    startedAt: '2026-11-25T00:00:00.000Z',
    config: { side: null },
    metrics: {},
    runs,
    summary: Object.keys(values).map((variant) => ({ variant, connections: 10, metrics: { requestsPerSec: { median: 0, min: 0, max: 0, n: 3 } }, generatorBound: false, invalidRounds: 0 })),
  } as unknown as LabResult;
}

const dir = mkdtempSync(join(tmpdir(), 'devcap-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('compareLab', () => {
  it('calls a consistent 20% gain in req/s better, and a change lost in the noise no real difference', () => {
    const [express] = compareLab(result({ express: [1000, 1010, 990] }), result({ express: [1200, 1210, 1190] }, 'v24.0.0')).rows;
    expect(express!.ratio).toBeCloseTo(1.2, 2);
    expect(express!.judgement).toBe('better');
    const [noisy] = compareLab(result({ express: [1000, 1500, 700] }), result({ express: [1100, 800, 1400] })).rows;
    expect(noisy!.judgement).toBe('no real difference');
  });

  it('calls a drop worse for a metric where higher is better', () => {
    const [row] = compareLab(result({ express: [1000, 1010, 990] }), result({ express: [500, 505, 495] })).rows;
    expect(row!.judgement).toBe('worse');
  });
});

describe('how many differences chance alone makes', () => {
  const rows = (differing: number, total: number) =>
    Array.from({ length: total }, (_, index) => ({ judgement: index < differing ? ('better' as const) : ('no real difference' as const) }));
  it('calls one difference among 26 rows no more than chance', () => {
    expect(chanceLine(rows(1, 26))).toBe('1 of 26 differ; at 95% each, about 1 would by chance alone: no more than chance, so treat them as noise');
  });
  it('says nothing of noise when more rows differ than chance would make', () => {
    expect(chanceLine(rows(6, 26))).toBe('6 of 26 differ; at 95% each, about 1 would by chance alone');
    expect(chanceLine(rows(1, 4))).toBe('1 of 4 differ; at 95% each, about 0.2 would by chance alone');
  });
});

describe('reading result files', () => {
  it('refuses what is not a devcap result, with a one-line reason', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"hello": 1}');
    expect(() => readResults(bad)).toThrow(/not a devcap result/);
    writeFileSync(bad, 'not json');
    expect(() => readResults(bad)).toThrow(/is not JSON/);
    expect(() => readResults(join(dir, 'missing.json'))).toThrow(/cannot read .*ENOENT/);
  });

  it('matches labs by slug across a single result and a lab-all file', () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    writeFileSync(a, JSON.stringify(result({ express: [1000, 1010, 990] })));
    writeFileSync(b, JSON.stringify({ schemaVersion: 1, labs: [result({ express: [1200, 1210, 1190] })] }));
    const [comparison] = compareFiles(a, b);
    expect(comparison!.slug).toBe('hello-throughput');
    expect(comparison!.rows[0]!.judgement).toBe('better');
  });
});
