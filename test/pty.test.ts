import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'devcap-pty-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hasScript = spawnSync('script', ['--version']).status === 0;

// ora 9 loops forever on a pty that reports 0 columns (`script`, `docker run -t`, some CI
// wrappers); devcap must show plain phase lines there, finish, and exit normally.
describe.skipIf(!hasScript)('under a pty with 0 columns', () => {
  it('lab 1 --quick ends with exit 0 and a bounded output', () => {
    const typescript = join(dir, 'typescript');
    const command = `stty cols 0 rows 0; exec '${process.execPath}' '${BIN}' lab 1 --quick`;
    const run = spawnSync('script', ['-qec', command, typescript], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 90_000, killSignal: 'SIGKILL', env: { ...process.env, NO_COLOR: '1' } });
    expect(run.error, 'devcap did not finish within 90 s').toBeUndefined();
    expect(run.status).toBe(0);
    expect(statSync(typescript).size).toBeLessThan(64 * 1024);
    const text = readFileSync(typescript, 'utf8');
    expect(text).toMatch(/devcap: hello-throughput: /);
    expect(text).toMatch(/confirmed/);
  }, 120_000);
});
