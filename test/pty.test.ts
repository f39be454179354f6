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
// wrappers); devcap must show plain phase lines there, finish, and exit normally. The line
// that says where --html wrote its page must come out whole there too.
describe.skipIf(!hasScript)('under a pty with 0 columns', () => {
  it('lab 1 --quick --html ends with exit 0 and a bounded output', () => {
    const typescript = join(dir, 'typescript');
    const page = join(dir, 'pty.html');
    const command = `stty cols 0 rows 0; exec '${process.execPath}' '${BIN}' lab 1 --quick --html '${page}'`;
    const run = spawnSync('script', ['-qec', command, typescript], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 90_000, killSignal: 'SIGKILL', env: { ...process.env, NO_COLOR: '1' } });
    expect(run.error, 'devcap did not finish within 90 s').toBeUndefined();
    expect(run.status).toBe(0);
    expect(statSync(typescript).size).toBeLessThan(64 * 1024);
    const text = readFileSync(typescript, 'utf8');
    expect(text).toMatch(/devcap: hello-throughput: /);
    expect(text).toMatch(/confirmed/);
    expect(text.replace(/\r/g, '')).toContain(`\ndevcap: wrote the HTML page to ${page}\n`);
    expect(statSync(page).size).toBeGreaterThan(100_000);
  }, 120_000);
});

// `lab --predict` asks on the terminal before measuring. Lab 11's login claim is a scenario
// of about a second, so the question, a wrong answer, and the score cost little.
const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
describe.skipIf(!hasScript || !hasRedis)('lab --predict under a pty', () => {
  it('asks a question per claim, asks again after a bad answer, then scores the guess and records it', () => {
    const typescript = join(dir, 'predict');
    const state = join(dir, 'predict-state');
    const command = `stty cols 100 rows 40; exec '${process.execPath}' '${BIN}' lab 11 --quick --claims login-brute-force --predict`;
    // Typed after the question is up: a wrong choice ("7"), then "no".
    const input = 'sleep 3; printf "7\\n"; sleep 1; printf "2\\n"';
    const run = spawnSync('sh', ['-c', `(${input}) | script -qec "${command}" '${typescript}'`], {
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 90_000,
      killSignal: 'SIGKILL',
      env: { ...process.env, NO_COLOR: '1', DEVCAP_STATE_DIR: state },
    });
    expect(run.error, 'devcap did not finish within 90 s').toBeUndefined();
    const text = readFileSync(typescript, 'utf8').replace(/\r/g, '');
    expect(text).toMatch(/1\. Will this hold for memory-store\?/);
    expect(text).toMatch(/a number from 1 to 2, please/);
    expect(text).toMatch(/you said: no; it held → wrong \(it was: yes\)/);
    expect(text).toMatch(/score: 0 of 1 right/);
    expect(run.status).toBe(0);
    const progress = spawnSync(process.execPath, [BIN, 'progress'], { env: { ...process.env, DEVCAP_STATE_DIR: state }, encoding: 'utf8' });
    expect(progress.stdout).toMatch(/Predictions: 0 of 1 right \(0%\), over 1 lab/);
  }, 120_000);
});
