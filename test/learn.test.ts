import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { descendantsOf, isAlive, runCli, waitUntilGone } from './run-cli.js';

// The learner's side of devcap: exercises, checks, progress, profiles. Files go to a
// folder outside the package, as a learner's would; the record to a temp state dir.
const dir = mkdtempSync(join(tmpdir(), 'learner-cli-test-'));
const state = join(dir, 'state');
const env = { DEVCAP_STATE_DIR: state };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const oneErrorLine = (stderr: string, code: string) => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(new RegExp(`^devcap: ${code}: `));
  expect(stderr).not.toMatch(/\n\s+at /);
};

describe('devcap --help', () => {
  it('lists the learner commands', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const command of ['exercise', 'check', 'progress', 'profile']) expect(stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    const lab = await runCli(['lab', '--help']);
    expect(lab.stdout).toContain('--predict');
  });
});

describe('devcap exercise', () => {
  it('writes the starting file: the task as a comment, then the lab\'s variant with the problem', async () => {
    const folder = join(dir, 'ex');
    const { code, stdout, stderr } = await runCli(['exercise', '2', folder]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const file = join(folder, '02-event-loop.ts');
    expect(stdout).toMatch(/^wrote .*02-event-loop\.ts$/m);
    expect(stdout).toMatch(/devcap check 2 .*02-event-loop\.ts/);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^\/\/ Exercise, lab 2 \(event-loop\)\n/);
    expect(text).toMatch(/^\/\/ .*no longer runs on the event/m);
    expect(text).toContain("import { serve } from 'devcap/serve';");
    expect(text).toContain('pbkdf2Sync(');
  });

  it('never overwrites the learner\'s work; --reset starts again', async () => {
    const folder = join(dir, 'again');
    expect((await runCli(['exercise', 'event-loop', folder])).code).toBe(0);
    const file = join(folder, '02-event-loop.ts');
    writeFileSync(file, '// my work\n');
    const refused = await runCli(['exercise', '2', folder]);
    expect(refused.code).toBe(2);
    oneErrorLine(refused.stderr, 'DEVCAP_EXERCISE_EXISTS');
    expect(refused.stderr).toContain('--reset');
    expect(readFileSync(file, 'utf8')).toBe('// my work\n');
    const reset = await runCli(['exercise', '2', folder, '--reset']);
    expect(reset.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('pbkdf2Sync(');
  });

  it('names the labs that have one when asked for one that has not', async () => {
    const { code, stderr } = await runCli(['exercise', '1', join(dir, 'none')]);
    expect(code).toBe(2);
    oneErrorLine(stderr, 'DEVCAP_NO_EXERCISE');
    expect(stderr).toContain('labs with one: 2, 3, 4, 5, 11, 12');
    expect(existsSync(join(dir, 'none'))).toBe(false);
  });
});

describe('devcap check: bad input is one line and exit 2, before anything runs', () => {
  it.each([
    [['check', '2', join(dir, 'missing.ts')], 'DEVCAP_NO_SUCH_FILE'],
    [['check', '2', '/etc/hostname'], 'DEVCAP_BAD_OPTION'],
    [['check', '1', '/etc/hostname'], 'DEVCAP_NO_EXERCISE'],
    [['check', '99', '/etc/hostname'], 'DEVCAP_UNKNOWN_LAB'],
  ])('%j', async (args, code) => {
    const result = await runCli(args, { env });
    expect(result.code).toBe(2);
    oneErrorLine(result.stderr, code);
  });

  it('a TypeScript file that does not parse', async () => {
    const file = join(dir, 'broken.ts');
    writeFileSync(file, "import { serve } from 'devcap/serve';\nconst x: = 1;\n");
    const result = await runCli(['check', '2', file], { env });
    expect(result.code).toBe(2);
    oneErrorLine(result.stderr, 'DEVCAP_BAD_SOURCE');
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith('devcap-learner-'))).toEqual([]);
  });
});

describe('devcap progress', () => {
  it('starts empty and points at day 1', async () => {
    const fresh = join(dir, 'fresh-state');
    const { code, stdout } = await runCli(['progress'], { env: { DEVCAP_STATE_DIR: fresh } });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\s+1\s+hello-throughput\s+-$/m);
    expect(stdout).toMatch(/Exercises: 0 of 6 passed/);
    expect(stdout).toMatch(/Next: devcap lab 1\b/);
  });

  it('reads the record: lab runs, exercises, predictions', async () => {
    const folder = join(dir, 'recorded');
    mkdirSync(folder);
    writeFileSync(
      join(folder, 'learner.json'),
      JSON.stringify({
        version: 1,
        runs: [{ day: 1, slug: 'hello-throughput', date: '2026-11-01T10:00:00.000Z', outcome: 'confirmed', quick: true, substituted: false }],
        exercises: { '2': { passed: true, checks: 3, last: '2026-11-02T10:00:00.000Z', passedAt: '2026-11-02T10:00:00.000Z' }, '3': { passed: false, checks: 1, last: '2026-11-03T10:00:00.000Z' } },
        predictions: [{ day: 1, date: '2026-11-01T10:00:00.000Z', right: 1, asked: 2 }],
      }),
    );
    const { code, stdout } = await runCli(['progress'], { env: { DEVCAP_STATE_DIR: folder } });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\s+1\s+hello-throughput\s+1 run, last 2026-11-01: every claim confirmed$/m);
    expect(stdout).toMatch(/^\s+2\s+event-loop\s+passed 2026-11-02 \(3 checks\)$/m);
    expect(stdout).toMatch(/^\s+3\s+blocking-io\s+not yet \(1 check\)$/m);
    expect(stdout).toMatch(/Exercises: 1 of 6 passed/);
    expect(stdout).toMatch(/Predictions: 1 of 2 right \(50%\), over 1 lab/);
    expect(stdout).toMatch(/Next: devcap lab 2\b/);
    const json = JSON.parse((await runCli(['progress', '--json'], { env: { DEVCAP_STATE_DIR: folder } })).stdout) as { predictions: { right: number } };
    expect(json.predictions.right).toBe(1);
  });

  it('keeps a corrupt record aside and starts fresh, saying where it is', async () => {
    const folder = join(dir, 'corrupt');
    mkdirSync(folder);
    writeFileSync(join(folder, 'learner.json'), '{"version": 1, "ru');
    const { code, stdout, stderr } = await runCli(['progress'], { env: { DEVCAP_STATE_DIR: folder } });
    expect(code).toBe(0);
    expect(stderr).toMatch(/^devcap: DEVCAP_STATE_CORRUPT: .*kept it as .*learner\.json\.corrupt-/);
    expect(stdout).toMatch(/Next: devcap lab 1\b/);
    const kept = readdirSync(folder).find((name) => name.startsWith('learner.json.corrupt-'))!;
    expect(readFileSync(join(folder, kept), 'utf8')).toBe('{"version": 1, "ru');
  });

  it('a lab run is recorded', async () => {
    const folder = join(dir, 'after-lab');
    const run = await runCli(['lab', '1', '--quick', '--json'], { env: { DEVCAP_STATE_DIR: folder } });
    expect(run.code).toBe(0);
    const { stdout } = await runCli(['progress'], { env: { DEVCAP_STATE_DIR: folder } });
    expect(stdout).toMatch(/^\s+1\s+hello-throughput\s+1 run, last \d{4}-\d\d-\d\d: every claim confirmed$/m);
    expect(stdout).toMatch(/Next: devcap lab 2\b/);
  });
});

describe('devcap lab --predict needs a terminal', () => {
  it('refuses with --json and without a terminal, before anything runs', async () => {
    for (const args of [['lab', '2', '--predict', '--json'], ['lab', '2', '--predict']]) {
      const result = await runCli(args, { env });
      expect(result.code).toBe(2);
      oneErrorLine(result.stderr, 'DEVCAP_PREDICT_NEEDS_TTY');
      expect(result.stdout).toBe('');
    }
  });
});

describe('devcap profile', () => {
  it('lab 2 pbkdf2-sync: pbkdf2Sync tops the self time, and the .cpuprofile is written where it says', async () => {
    const out = join(dir, 'profiles');
    mkdirSync(out);
    const { code, stdout, stderr } = await runCli(['profile', '2', 'pbkdf2-sync', '--duration', '3', '--out', out], { env });
    expect(stderr).not.toMatch(/DEVCAP_/);
    expect(code).toBe(0);
    const top = stdout.split('\n').find((line) => /^\s+\d+\.\d%\s+\d+ ms\s+/.test(line));
    expect(top).toMatch(/pbkdf2Sync/);
    const written = readdirSync(out).filter((name) => name.endsWith('.cpuprofile'));
    expect(written).toHaveLength(1);
    expect(stdout).toContain(`wrote ${join(out, written[0]!)}`);
    const profile = JSON.parse(readFileSync(join(out, written[0]!), 'utf8')) as { nodes: unknown[]; samples: unknown[] };
    expect(profile.nodes.length).toBeGreaterThan(0);
    expect(profile.samples.length).toBeGreaterThan(0);
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith('devcap-profile-'))).toEqual([]);
  });

  it('--heap writes a .heapprofile and lists allocation sites', async () => {
    const out = join(dir, 'heap');
    mkdirSync(out);
    const { code, stdout } = await runCli(['profile', '2', 'pbkdf2-sync', '--heap', '--duration', '1', '--out', out], { env });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Top \d+ allocation sites of what was still live when the server stopped/m);
    const written = readdirSync(out).filter((name) => name.endsWith('.heapprofile'));
    expect(written).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(out, written[0]!), 'utf8'))).toHaveProperty('head');
  });

  it.each([
    [['profile', '2', 'nope'], 'DEVCAP_UNKNOWN_VARIANT', 2],
    [['profile', '2', 'pbkdf2-sync', '--out', join(dir, 'no-such-folder')], 'DEVCAP_BAD_OUT', 2],
    [['profile', '2', 'pbkdf2-sync', '--clinic', 'nonsense'], 'DEVCAP_BAD_OPTION', 2],
  ])('%j', async (args, code, exit) => {
    const result = await runCli(args as string[], { env });
    expect(result.code).toBe(exit);
    oneErrorLine(result.stderr, code as string);
  });

  it('--clinic without clinic on PATH: one line on how to get it, exit 3', async () => {
    const result = await runCli(['profile', '2', 'pbkdf2-sync', '--clinic', 'doctor'], { env: { ...env, PATH: '/nonexistent' } });
    expect(result.code).toBe(3);
    oneErrorLine(result.stderr, 'DEVCAP_CLINIC_MISSING');
    expect(result.stderr).toContain('npm install -g clinic');
  });
});

// Lab 11's exercise is judged by a scenario of about a second: cheap enough to watch.
const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
describe.skipIf(!hasRedis)('devcap check of a JavaScript file', () => {
  it('runs an ES module from a folder outside the package: its ./api.js is the lab\'s, devcap/serve is devcap\'s', async () => {
    const folder = join(dir, 'js');
    mkdirSync(folder);
    const file = join(folder, 'mine.mjs');
    writeFileSync(file, readFileSync(new URL('../dist/labs/11-rate-limiting/variants/memory-store.js', import.meta.url), 'utf8'));
    const result = await runCli(['check', '11', file], { env });
    expect(result.stdout).toMatch(/^passed: mine\.mjs does what the lesson says/m);
    expect(result.code).toBe(0);
  });
});


describe.skipIf(!hasRedis)('devcap check --watch', () => {
  it('checks, checks again on save, and stops on Ctrl-C with exit 0 and nothing left running', async () => {
    const folder = join(dir, 'watch');
    expect((await runCli(['exercise', '11', folder], { env })).code).toBe(0);
    const file = join(folder, '11-rate-limiting.ts');
    const run = runCli(['check', '11', file, '--watch'], { env });
    // Every process seen under devcap while it watches (redis-server, the server, the watchdog).
    const pids = new Set<number>();
    const until = async (pattern: RegExp) => {
      const deadline = Date.now() + 60_000;
      while (!pattern.test(await peek()) && Date.now() < deadline) {
        for (const pid of await descendantsOf(run.child.pid!)) pids.add(pid);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(await peek()).toMatch(pattern);
    };
    let seen = '';
    run.child.stdout!.on('data', (text: Buffer | string) => (seen += String(text)));
    const peek = async () => seen;
    await until(/^not yet: /m);
    writeFileSync(file, readFileSync(new URL('../labs/11-rate-limiting/variants/memory-store.ts', import.meta.url), 'utf8'));
    await until(/^passed: 11-rate-limiting\.ts/m);
    run.child.kill('SIGINT');
    const result = await run;
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/stopped watching; nothing left running/);
    expect(pids.size).toBeGreaterThan(0);
    await waitUntilGone(pids);
    expect([...pids].filter(isAlive)).toEqual([]);
  }, 120_000);
});
