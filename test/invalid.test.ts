import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { LabResult } from '../dist/src/report/result.js';
import { runCli } from './run-cli.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe('a variant that answers wrong confirms nothing', () => {
  it('a server answering 500 at once makes its claims invalid and the lab exit 4', async () => {
    // Three rounds, the least a run takes: a broken server is invalid whatever the power.
    const { code, stdout } = await runCli(['lab', '2', '--quick', '--rounds', '3', '--json', '--claims', 'ping-p50-sync-vs-async', '--variant', `pbkdf2-async=${fixture('answers-500.mjs')}`]);
    expect(code).toBe(4);
    const result = JSON.parse(stdout) as LabResult;
    expect(result.claims.map((claim) => claim.verdict)).toEqual(['invalid']);
    expect(result.claims[0]!.sentence).toMatch(/pbkdf2-async( \(\d+ runs; the first\))?: \/work answered \d+ × 500 \(expected 2xx\)/);
    // The fast broken server would have made /ping look quick beside pbkdf2-sync: the run is
    // marked, not measured as a success.
    expect(result.runs.filter((run) => run.variant === 'pbkdf2-async').every((run) => run.invalid)).toBe(true);
    expect(result.runs.filter((run) => run.variant === 'pbkdf2-sync').every((run) => run.invalid === null)).toBe(true);
    expect(result.variants.find((variant) => variant.name === 'pbkdf2-async')).toMatchObject({ substituted: true });
    // nor is it scored against the model, and no measure stands on it
    expect(result.model?.predictions.map((prediction) => prediction.variant)).not.toContain('pbkdf2-async');
    expect(result.measures.filter((measure) => measure.variants.includes('pbkdf2-async'))).toEqual([]);
  }, 120_000);

  it('a server that never answers its ready path with the expected status is a one-line error, exit 4', async () => {
    const { code, stderr } = await runCli(['lab', '2', '--quick', '--claims', 'ping-p50-sync-vs-async', '--variant', `pbkdf2-async=${fixture('never-ready.mjs')}`]);
    expect(code).toBe(4);
    const lines = stderr.split('\n').filter((line) => line.startsWith('devcap: DEVCAP_'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^devcap: DEVCAP_NOT_READY: .*pbkdf2-async.* is not ready: GET \/ping/);
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
