import { describe, expect, it } from 'vitest';
import { ExitCode, UsageError } from '../errors.js';
import { defineLab } from '../lab/define.js';
import type { AnyLab } from '../lab/types.js';
import { BASE_RUN_BYTES, checkFits, machineLimits } from './preflight.js';

const MiB = 1024 * 1024;
const sizing = { durationSec: 1, warmupRequests: 0, rounds: 3, connections: [4] };
const lab = defineLab({
  day: 95,
  slug: 'big-files',
  title: 'buffers a file per request',
  claim: 'nothing',
  summary: 'nothing',
  variants: { buffered: { file: 'b.js', summary: '' } },
  params: { fileMb: { env: 'FILE_MB', default: 64, summary: '', min: 8, max: 256 } },
  estimateMemory: ({ fileMb }, connections) => ({ bytes: connections * fileMb! * MiB, why: 'a file per request', lower: ['--connections', '--set fileMb'] }),
  workload: { path: '/', readyPath: '/', sizing, quick: sizing },
  claims: [],
  takeaway: '',
}) as AnyLab;

const refusal = (run: () => void): UsageError => {
  try {
    run();
  } catch (error) {
    return error as UsageError;
  }
  throw new Error('not refused');
};

describe('checkFits', () => {
  const roomy = { availableMemoryBytes: 8 * 1024 * MiB, openFiles: 20_000 };

  it('lets a run that fits through', () => {
    expect(() => checkFits(lab, { fileMb: 64 }, 4, roomy)).not.toThrow();
  });

  it('refuses a run over the available memory with DEVCAP_TOO_BIG (exit 2), naming the flags to lower', () => {
    const error = refusal(() => checkFits(lab, { fileMb: 256 }, 1000, roomy));
    expect(error.code).toBe('DEVCAP_TOO_BIG');
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.message).toBe('lab 95 (big-files) would need about 250.3 GiB of memory (a file per request), and 8.0 GiB is available: lower --connections or --set fileMb');
  });

  it('counts what every run needs on top of the estimate', () => {
    const justEnough = { ...roomy, availableMemoryBytes: 4 * 64 * MiB + BASE_RUN_BYTES };
    expect(() => checkFits(lab, { fileMb: 64 }, 4, justEnough)).not.toThrow();
    expect(() => checkFits(lab, { fileMb: 64 }, 4, { ...justEnough, availableMemoryBytes: justEnough.availableMemoryBytes - 1 })).toThrow(/DEVCAP_TOO_BIG|would need/);
  });

  it('refuses more connections than open files allow, saying how many would do', () => {
    const error = refusal(() => checkFits(lab, { fileMb: 8 }, 500, { ...roomy, openFiles: 300 }));
    expect(error.code).toBe('DEVCAP_TOO_BIG');
    expect(error.message).toMatch(/needs about 1128 open files, and the limit here is 300 \(ulimit -n\): lower --connections to 86 or less/);
    expect(() => checkFits(lab, { fileMb: 8 }, 86, { ...roomy, openFiles: 300 })).not.toThrow();
  });

  it('reads this machine', () => {
    const limits = machineLimits();
    expect(limits.availableMemoryBytes).toBeGreaterThan(0);
    expect(limits.openFiles).toBeGreaterThan(0);
  });
});
