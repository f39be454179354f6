import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { goldenLines, goldenText, stable } from './golden.js';
import { BIN, runCli } from './run-cli.js';

const BIN_PACKAGE = fileURLToPath(new URL('../package.json', import.meta.url));
const TRACE = fileURLToPath(new URL('./trace-modules.cjs', import.meta.url));
// A state directory of the tests' own, for commands that write to it (room's code) before they refuse.
const STATE = mkdtempSync(join(tmpdir(), 'devcap-cli-state-'));
afterAll(() => rmSync(STATE, { recursive: true, force: true }));

describe('devcap --help and --version', () => {
  it('lists the commands and the labs, and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Usage: devcap/);
    expect(result.stdout).toMatch(/^\s+list\b/m);
    expect(result.stdout).toMatch(/^\s+lab \[options\] <lab>/m);
    expect(result.stdout).toMatch(/^\s+1\s+hello-throughput\s+Would your API hold 1,000 req\/s\?/m);
    expect(result.stdout).toMatch(/^\s+2\s+event-loop\s+/m);
    expect(result.stdout).toMatch(/^\s+devcap lab 1 --quick --html report\.html$/m);
    expect(result.stdout).toMatch(/^\s+devcap check 2 02-event-loop\.ts --json$/m);
    expect(result.stderr).toBe('');
  });

  it('prints help with no arguments too', async () => {
    const result = await runCli([]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Usage: devcap/);
  });

  it('does not load express or autocannon to print help', async () => {
    const result = await runCli(['--help'], { nodeArgs: ['--require', TRACE] });
    const line = result.stderr.split('\n').find((text) => text.startsWith('LOADED_MODULES '));
    expect(line).toBeDefined();
    const loaded = JSON.parse(line!.slice('LOADED_MODULES '.length)) as string[];
    expect(loaded.some((path) => path.includes('/commander/'))).toBe(true);
    expect(loaded.filter((path) => /node_modules\/(express|autocannon|piscina)\//.test(path))).toEqual([]);
  });

  it('reads the labs from the manifest: --help and list import no lab definition', async () => {
    const esm = pathToFileURL(fileURLToPath(new URL('./trace-esm.mjs', import.meta.url))).href;
    for (const args of [['--help'], ['list']]) {
      const result = await runCli(args, { nodeArgs: ['--import', esm] });
      expect(result.code).toBe(0);
      const resolved = result.stderr.split('\n').filter((text) => text.startsWith('RESOLVED_MODULE '));
      // The tracer itself must see devcap's own modules, or an empty list would prove nothing.
      expect(resolved.some((line) => line.includes('/dist/src/cli/index.js'))).toBe(true);
      expect(resolved.filter((line) => /\/dist\/labs\/\d\d-/.test(line))).toEqual([]);
    }
  });

  it('lab --help lists every flag', async () => {
    const result = await runCli(['lab', '--help']);
    expect(result.code).toBe(0);
    for (const flag of ['--quick', '--duration <sec>', '--connections <n>', '--rounds <n>', '--set <name=value>', '--out <file>', '--html <file>', '--junit <file>', '--live', '--live-port <n>', '--room <url>', '--name <display name>', '--json', '--markdown', '--strict', '--no-color', '--debug']) {
      expect(result.stdout).toContain(flag);
    }
  });

  it('--rounds has one range: the option table (help), its error and the README say the same', async () => {
    const { ROUNDS } = await import('../src/harness/rounds.js');
    const { readFileSync } = await import('node:fs');
    const help = await runCli(['lab', '--help']);
    expect(help.stdout).toMatch(new RegExp(`--rounds <n>\\s+exactly n rounds per variant, ${ROUNDS.min} to ${ROUNDS.max}\\b`));
    const below = await runCli(['lab', '2', '--rounds', String(ROUNDS.min - 1)]);
    expect(below.stderr).toContain(`--rounds takes a whole number from ${ROUNDS.min} to ${ROUNDS.max}`);
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toMatch(new RegExp(`^\\| \`--rounds <n>\` \\| exactly n rounds per variant \\(${ROUNDS.min}–${ROUNDS.max}\\)`, 'm'));
  });

  it('room --help lists its flags, and the help names it', async () => {
    const result = await runCli(['room', '--help']);
    expect(result.code).toBe(0);
    for (const flag of ['--port <n>', '--host <address>', '--code <code>', '--rate <n>', '--export <file>']) expect(result.stdout).toContain(flag);
    const help = await runCli(['--help']);
    expect(help.stdout).toMatch(/^\s+room \[options\]/m);
    expect(help.stdout).toMatch(/^\s+devcap room --host 0\.0\.0\.0 /m);
  });

  it('check --help lists --watch and --json', async () => {
    const result = await runCli(['check', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\s+--watch\s/m);
    expect(result.stdout).toMatch(/^\s+--json\s+print the outcome as one JSON object/m);
    for (const flag of ['--junit <file>', '--room <url>', '--name <display name>']) expect(result.stdout).toContain(flag);
  });

  // Every help text, byte for byte as the option tables printed it before they were data.
  const COMMANDS = ['list', 'show', 'serve', 'compare', 'doctor', 'schema', 'exercise', 'check', 'progress', 'profile', 'room', 'lab'];
  const helps: [string, string[]][] = [['devcap', []], ['devcap --help', ['--help']], ...COMMANDS.map((command): [string, string[]] => [`devcap ${command} --help`, [command, '--help']])];
  it.each(helps)('%s prints its golden help, byte for byte', async (name, args) => {
    const result = await runCli(args);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const file = `help/${name.replace(/ --help$/, '').replace(/ /g, '-')}.txt`;
    expect(stable(result.stdout)).toBe(goldenText(file, stable(result.stdout)));
  });

  it('prints the version from package.json', async () => {
    const { version } = (await import('../package.json', { with: { type: 'json' } })).default;
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });
});

describe('devcap list', () => {
  it('prints every lab with its variants', async () => {
    const result = await runCli(['list']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\s*2\s+event-loop/m);
    expect(result.stdout).toContain('pbkdf2-sync, pbkdf2-async, worker-pool');
  });

  it('--json is machine-readable and complete', async () => {
    const result = await runCli(['list', '--json']);
    expect(result.code).toBe(0);
    const labs = JSON.parse(result.stdout) as Array<{ day: number; slug: string; variants: string[]; requires: string[] }>;
    const two = labs.find((lab) => lab.day === 2);
    expect(two).toMatchObject({ slug: 'event-loop', variants: ['pbkdf2-sync', 'pbkdf2-async', 'worker-pool'] });
    expect(labs.map((lab) => lab.day)).toEqual([...labs.map((lab) => lab.day)].sort((a, b) => a - b));
  });
});

describe('bad input: one line, a DEVCAP_* code, exit 2, no stack trace', () => {
  const cases: Array<[string, string[], RegExp, Record<string, string>?]> = [
    ['an unknown day', ['lab', '99'], /DEVCAP_UNKNOWN_LAB: no lab "99"/],
    ['an unknown slug', ['lab', 'event-loops'], /DEVCAP_UNKNOWN_LAB/],
    ['a negative duration', ['lab', '2', '--duration', '-1'], /DEVCAP_BAD_OPTION: --duration/],
    ['zero connections', ['lab', '2', '--connections', '0'], /DEVCAP_BAD_OPTION: --connections/],
    ['a non-number', ['lab', '2', '--rounds', 'many'], /DEVCAP_BAD_OPTION: --rounds/],
    ['a fractional duration', ['lab', '2', '--duration', '1.5'], /DEVCAP_BAD_OPTION/],
    ['one round (no interval possible)', ['lab', '2', '--rounds', '1'], /DEVCAP_BAD_OPTION: --rounds takes a whole number from 3 to 50 \(got "1"\)$/],
    ['two rounds (fewer than every mode runs)', ['lab', '2', '--rounds', '2'], /DEVCAP_BAD_OPTION: --rounds takes a whole number from 3 to 50 \(got "2"\)$/],
    ['51 rounds', ['lab', '2', '--rounds', '51'], /DEVCAP_BAD_OPTION: --rounds takes a whole number from 3 to 50 \(got "51"\)$/],
    ['an unknown flag', ['lab', '2', '--fast'], /DEVCAP_USAGE: unknown option '--fast'/],
    ['an unknown command', ['bench'], /DEVCAP_USAGE: unknown command 'bench'/],
    ['a missing lab', ['lab'], /DEVCAP_USAGE: missing required argument/],
    ['--json with --markdown', ['lab', '2', '--json', '--markdown'], /DEVCAP_USAGE: option '--json' cannot be used with option '--markdown'/],
    ['an unknown parameter', ['lab', '2', '--set', 'speed=3'], /DEVCAP_UNKNOWN_PARAM/],
    ['a parameter out of range', ['lab', '2', '--set', 'iterations=1'], /DEVCAP_BAD_PARAM/],
    ['a malformed --set', ['lab', '2', '--set', 'iterations'], /DEVCAP_BAD_OPTION: --set takes name=value: give iterations a whole number from 1000 to 2000000/],
    ['--set without a name', ['lab', '2', '--set', '=5'], /DEVCAP_BAD_OPTION: --set takes name=value.*parameters: iterations \(from 1000 to 2000000\)/],
    ['--set x, no value and no such parameter', ['lab', '2', '--set', 'x'], /DEVCAP_BAD_OPTION: --set takes name=value.*\(got "x"\)/],
    ['a fraction for a whole-number parameter', ['lab', '2', '--set', 'iterations=1000.5'], /DEVCAP_BAD_PARAM: iterations takes a whole number from 1000 to 2000000 \(got "1000\.5"\)/],
    ['a hex value', ['lab', '2', '--set', 'iterations=0x10'], /DEVCAP_BAD_PARAM: iterations takes a whole number/],
    ['an exponent', ['lab', '2', '--set', 'iterations=1e4'], /DEVCAP_BAD_PARAM: iterations takes a whole number/],
    ['a name from the prototype', ['lab', '2', '--set', 'constructor=1'], /DEVCAP_UNKNOWN_PARAM: no parameter "constructor"/],
    ['a fractional TTL', ['lab', '12', '--set', 'ttlSec=1.5'], /DEVCAP_BAD_PARAM: ttlSec takes a whole number from 1 to 3600/],
    ['a run too big for memory', ['lab', '5', '--set', 'fileMb=256', '--connections', '1000'], /DEVCAP_TOO_BIG: lab 5 \(streams\) would need about 250\.8 GiB .*lower --connections or --set fileMb$/],
    ['more connections than --connections allows', ['lab', '1', '--connections', '100000'], /DEVCAP_BAD_OPTION: --connections takes a whole number from 1 to 1000/],
    ['an unwritable --out', ['lab', '1', '--out', '/nonexistent/dir/x.json'], /DEVCAP_BAD_OUT: --out \/nonexistent\/dir\/x\.json: cannot write the results there \(no such directory/],
    ['--html in a missing directory', ['lab', '1', '--html', '/nonexistent/dir/r.html'], /DEVCAP_BAD_HTML: --html \/nonexistent\/dir\/r\.html: cannot write the page there \(no such directory: \/nonexistent\/dir\)$/],
    ['--html naming a directory', ['lab', 'all', '--quick', '--html', '/tmp'], /DEVCAP_BAD_HTML: --html \/tmp: cannot write the page there \(it is a directory\)$/],
    ['--junit in a missing directory', ['lab', '1', '--junit', '/nonexistent/dir/r.xml'], /DEVCAP_BAD_JUNIT: --junit \/nonexistent\/dir\/r\.xml: cannot write the JUnit report there \(no such directory: \/nonexistent\/dir\)$/],
    ['check --junit naming a directory', ['check', '2', '/tmp', '--junit', '/tmp'], /DEVCAP_BAD_JUNIT: --junit \/tmp: cannot write the JUnit report there \(it is a directory\)$/],
    ['--live-port without --live', ['lab', '1', '--live-port', '8080'], /DEVCAP_BAD_OPTION: --live-port sets the port of the --live page: add --live$/],
    ['--room without --name', ['lab', '1', '--room', 'http://127.0.0.1:7420/join/K7QF2M'], /DEVCAP_BAD_NAME: --room needs --name "the name the room shows": a display name is required$/],
    ['--name without --room', ['lab', '1', '--name', 'Ann'], /DEVCAP_BAD_OPTION: --name is the name a room shows: it goes with --room <url>$/],
    ['--room without its code', ['lab', '1', '--room', 'http://127.0.0.1:7420/', '--name', 'Ann'], /DEVCAP_BAD_ROOM: --room http:\/\/127\.0\.0\.1:7420\/: give the URL the room printed, with its code/],
    ['--room that is not a URL', ['check', '2', 'mine.ts', '--room', 'room 12', '--name', 'Ann'], /DEVCAP_BAD_ROOM: --room room 12: not a URL/],
    ['a --name with control characters', ['lab', '1', '--room', 'http://127.0.0.1:7420/join/K7QF2M', '--name', 'Ann\u001b[2J'], /DEVCAP_BAD_NAME: .*control or direction characters$/],
    ['room --code too short', ['room', '--code', 'ab'], /DEVCAP_BAD_OPTION: --code takes 4 to 32 letters and digits$/],
    ['check --json with --watch', ['check', '2', 'mine.ts', '--json', '--watch'], /DEVCAP_BAD_OPTION: --json prints one outcome and --watch checks again on every save/],
    ['a remote --redis-url', ['lab', '12', '--redis-url', 'redis://10.0.0.1:6379'], /DEVCAP_REMOTE_REDIS: --redis-url names 10\.0\.0\.1.*--allow-remote/],
    ['a remote DEVCAP_REDIS_URL', ['lab', '12', '--quick'], /DEVCAP_REMOTE_REDIS: DEVCAP_REDIS_URL names/, { DEVCAP_REDIS_URL: 'redis://10.0.0.1' }],
    // Every folder, port and name devcap makes, opens or looks up for the user: refused at once, before anything starts.
    ['an exercise folder that cannot be made (under /proc)', ['exercise', '2', '/proc/nope/deeper'], /DEVCAP_BAD_DIR: cannot write the exercise to \/proc\/nope\/deeper \(no such directory: \/proc\)$/],
    ['an exercise folder under a file', ['exercise', '2', `${BIN_PACKAGE}/sub/dir`], /DEVCAP_BAD_DIR: cannot write the exercise to .*\(not a directory: .*package\.json\)$/],
    ['a state directory that cannot be made (lab)', ['lab', '1', '--quick'], /DEVCAP_BAD_STATE_DIR: cannot keep devcap's state in \/proc\/nope\/state \(no such directory: \/proc\); set DEVCAP_STATE_DIR to a folder you can write$/, { DEVCAP_STATE_DIR: '/proc/nope/state' }],
    ['a state directory under a file (serve)', ['serve', '2'], /DEVCAP_BAD_STATE_DIR: .*\(not a directory: .*package\.json\)/, { DEVCAP_STATE_DIR: `${BIN_PACKAGE}/state` }],
    ['a state directory that cannot be made (profile)', ['profile', '2', 'pbkdf2-sync'], /DEVCAP_BAD_STATE_DIR: /, { DEVCAP_STATE_DIR: '/proc/nope/state' }],
    ['a temp directory that cannot be used', ['lab', '1', '--quick'], /DEVCAP_BAD_TMPDIR: cannot make temp dirs in \/proc\/nope \(no such directory: \/proc\/nope\); set TMPDIR to a folder you can write$/, { TMPDIR: '/proc/nope' }],
    ['--out under /proc', ['lab', '1', '--out', '/proc/nope/deeper/x.json'], /DEVCAP_BAD_OUT: --out \/proc\/nope\/deeper\/x\.json: cannot write the results there \(no such directory/],
    ['--html under /proc', ['lab', '1', '--html', '/proc/nope/deeper/r.html'], /DEVCAP_BAD_HTML: --html \/proc\/nope\/deeper\/r\.html: cannot write the page there \(no such directory/],
    ['profile --out under /proc', ['profile', '2', 'pbkdf2-sync', '--out', '/proc/nope/deeper'], /DEVCAP_BAD_OUT: --out \/proc\/nope\/deeper: no such folder$/],
    ['serve --host that is not an address or a name', ['serve', '2', '--host', '999.1.1.1'], /DEVCAP_BAD_HOST: --host 999\.1\.1\.1 is not an address or a name this machine resolves \(no such name\)/],
    ['serve --host a name that does not resolve', ['serve', '2', '--host', 'no-such-host.invalid'], /DEVCAP_BAD_HOST: --host no-such-host\.invalid is not an address or a name this machine resolves/],
    ['serve --host an address of another machine', ['serve', '2', '--host', '192.0.2.1'], /DEVCAP_BAD_HOST: --host 192\.0\.2\.1 is not an address of this machine/],
    ['serve --host ""', ['serve', '2', '--host', ''], /DEVCAP_BAD_HOST: --host takes an address or a name/],
    ['a Redis URL without a host', ['lab', '12', '--quick'], /DEVCAP_BAD_OPTION: DEVCAP_REDIS_URL takes a URL with a host/, { DEVCAP_REDIS_URL: 'redis://' }],
    ['room --host that is not an address or a name', ['room', '--host', '999.1.1.1'], /DEVCAP_BAD_HOST: --host 999\.1\.1\.1 is not an address or a name this machine resolves/, { DEVCAP_STATE_DIR: STATE }],
    ['room --host an address of another machine', ['room', '--host', '192.0.2.1', '--port', '0'], /DEVCAP_BAD_HOST: --host 192\.0\.2\.1 is not an address of this machine/, { DEVCAP_STATE_DIR: STATE }],
    ['room with a state directory that cannot be made', ['room', '--port', '0'], /DEVCAP_BAD_STATE_DIR: cannot keep devcap's state in \/proc\/nope\/state \(no such directory: \/proc\)/, { DEVCAP_STATE_DIR: '/proc/nope/state' }],
    ['room --export under /proc', ['room', '--export', '/proc/nope/deeper/x.jsonl'], /DEVCAP_BAD_EXPORT: --export \/proc\/nope\/deeper\/x\.jsonl: cannot write there \(no such directory/, { DEVCAP_STATE_DIR: STATE }],
    ['a --room whose host does not resolve', ['lab', '1', '--quick', '--room', 'http://no-such-host.invalid:7420/join/ABCD', '--name', 'Ada'], /DEVCAP_BAD_ROOM: --room http:\/\/no-such-host\.invalid:7420\/join\/ABCD: no-such-host\.invalid is not an address or a name this machine resolves \(no such name\)/],
    ['serve --port 0', ['serve', '2', '--port', '0'], /DEVCAP_BAD_OPTION: --port takes a whole number from 1 to 65535/],
    ['a --redis-url whose host does not resolve', ['lab', '12', '--quick', '--allow-remote', '--redis-url', 'redis://no-such-host.invalid:6379'], /DEVCAP_BAD_REDIS_URL: --redis-url names no-such-host\.invalid, which this machine does not resolve \(no such name\)$/],
    ['a DEVCAP_REDIS_URL whose host does not resolve', ['lab', '12', '--quick', '--allow-remote'], /DEVCAP_BAD_REDIS_URL: DEVCAP_REDIS_URL names no-such-host\.invalid/, { DEVCAP_REDIS_URL: 'redis://no-such-host.invalid' }],
  ];
  // Every case's line, byte for byte as it was before the errors fixed their own codes.
  const golden = goldenLines('bad-input.json');
  afterAll(() => golden.save());
  it.each(cases)('%s', async (name, args, message, env) => {
    const result = await runCli(args, { env });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^devcap: DEVCAP_[A-Z_]+: /);
    expect(lines[0]).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(stable(result.stderr), 'the golden line (test/golden/bad-input.json)').toBe(golden.expected(name, stable(result.stderr)));
  });

  it('the issue\'s two inputs answer at once: no hang on a folder under /proc, no variant started for a bad --host', async () => {
    for (const args of [['exercise', '2', '/proc/nope/deeper'], ['serve', '2', '--host', '999.1.1.1']]) {
      const started = Date.now();
      const result = await runCli(args);
      // devcap's own start is most of it; a hang, a lookup timeout (3 s) or a started variant is far more
      expect(Date.now() - started, args.join(' ')).toBeLessThan(2500);
      expect(result.code).toBe(2);
    }
  });

  it('serve, lab --live-port and room on a port in use are refused before anything starts', async () => {
    const { createServer } = await import('node:net');
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const result = await runCli(['serve', '2', '--port', String(port)]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`devcap: DEVCAP_PORT_IN_USE: port ${port} is in use; choose another --port or leave it out for a free one\n`);
      const live = await runCli(['lab', '1', '--quick', '--live', '--live-port', String(port)]);
      expect(live.code).toBe(2);
      expect(live.stderr).toBe(`devcap: DEVCAP_LIVE_PORT_IN_USE: --live-port ${port}: the port is in use; give another, or leave --live-port out for a free one\n`);
      const room = await runCli(['room', '--port', String(port)], { env: { DEVCAP_STATE_DIR: STATE } });
      expect(room.code).toBe(2);
      expect(room.stderr).toMatch(/^devcap: DEVCAP_ROOM_PORT_IN_USE: port \d+ is in use/);
    } finally {
      taken.close();
    }
  });

  it('more connections than open files allow: DEVCAP_TOO_BIG naming --connections', () => {
    const run = spawnSync('bash', ['-c', `ulimit -n 300; exec '${process.execPath}' '${BIN}' lab 1 --connections 500`], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^devcap: DEVCAP_TOO_BIG: lab 1 at 500 connections needs about \d+ open files, and the limit here is 300 \(ulimit -n\): lower --connections to \d+ or less, or raise ulimit -n\n$/);
  });

  it('without /proc (DEVCAP_PLATFORM_NO_PROC=1) the open-file limit comes from ulimit -n, and refuses the same way', () => {
    const run = spawnSync('bash', ['-c', `ulimit -n 300; exec '${process.execPath}' '${BIN}' lab 1 --connections 500`], { encoding: 'utf8', env: { ...process.env, DEVCAP_PLATFORM_NO_PROC: '1' } });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^devcap: DEVCAP_TOO_BIG: lab 1 at 500 connections needs about \d+ open files, and the limit here is 300 \(ulimit -n\)/);
  });

  it('--debug adds the stack trace', async () => {
    const result = await runCli(['lab', '99', '--debug']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\n\s+at /);
  });
});

describe('devcap show', () => {
  it('prints a lab\'s README', async () => {
    const result = await runCli(['show', '2']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^# .*event loop/im);
  });

  it('prints a variant\'s source and a control\'s', async () => {
    const variant = await runCli(['show', 'event-loop', 'pbkdf2-sync']);
    expect(variant.code).toBe(0);
    expect(variant.stdout).toContain('pbkdf2Sync(');
    const control = await runCli(['show', '2', 'controls/worker-pool-as-sync']);
    expect(control.code).toBe(0);
    expect(control.stdout).toMatch(/import/);
  });

  it('--diff prints only what changes between two variants', async () => {
    const result = await runCli(['show', '2', '--diff', 'pbkdf2-sync,pbkdf2-async']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^-.*pbkdf2Sync\(/m);
    expect(result.stdout).toMatch(/^\+.*await pbkdf2Async\(/m);
    expect(result.stdout).not.toMatch(/^[-+].*import express/m);
  });

  it('an unknown variant names the ones that exist', async () => {
    const result = await runCli(['show', '2', 'pbkdf2-turbo']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^devcap: DEVCAP_UNKNOWN_VARIANT: lab 2 has no variant or control "pbkdf2-turbo"; it has: pbkdf2-sync, /);
  });
});

describe('devcap compare', () => {
  const FIXTURE = fileURLToPath(new URL('./fixtures/lab-result.json', import.meta.url));

  it('compares two results metric by metric; a result against itself differs in nothing', async () => {
    const result = await runCli(['compare', FIXTURE, FIXTURE, '--json']);
    expect(result.code).toBe(0);
    const [comparison] = JSON.parse(result.stdout) as Array<{ rows: Array<{ ratio: number; judgement: string }> }>;
    expect(comparison!.rows.length).toBeGreaterThan(0);
    for (const row of comparison!.rows) {
      expect(row.ratio).toBeCloseTo(1, 9);
      expect(row.judgement).toBe('no real difference');
    }
    const text = await runCli(['compare', FIXTURE, FIXTURE]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/b\/a 1\.0+×/);
  });

  it('a file that is not a result is a usage error', async () => {
    const result = await runCli(['compare', FIXTURE, BIN_PACKAGE]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^devcap: DEVCAP_BAD_RESULT: .*package\.json is not a devcap result/);
  });
});

describe('devcap schema', () => {
  it('prints the JSON Schema that ships in the package', async () => {
    const result = await runCli(['schema']);
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout) as { $id: string; $ref: string; definitions: Record<string, { properties?: Record<string, unknown> }> };
    expect(schema.$id).toBe('urn:devcap:lab-result');
    expect(schema.$ref).toBe('#/definitions/LabResult');
    expect(Object.keys(schema.definitions.LabResult!.properties!)).toEqual(expect.arrayContaining(['lab', 'runs', 'claims']));
  });
});

describe('devcap doctor', () => {
  it('reads this machine and says whether it is fit, line by line', async () => {
    const result = await runCli(['doctor']);
    expect(result.code).toBe(0);
    for (const check of ['node', 'cores', 'load', 'memory', 'terminal', 'redis']) expect(result.stdout).toMatch(new RegExp(`^(ok  |warn)  ${check}\\b`, 'm'));
    const json = await runCli(['doctor', '--json']);
    const findings = JSON.parse(json.stdout) as Array<{ check: string; value: string }>;
    expect(findings.find((finding) => finding.check === 'node')!.value).toBe(process.version);
  });

  it('without /proc (DEVCAP_PLATFORM_NO_PROC=1: os.freemem, ulimit -n) finds the same checks, memory and open files read the portable way', async () => {
    const result = await runCli(['doctor', '--json'], { env: { DEVCAP_PLATFORM_NO_PROC: '1' } });
    const findings = JSON.parse(result.stdout) as Array<{ check: string; value: string }>;
    const linux = JSON.parse((await runCli(['doctor', '--json'])).stdout) as Array<{ check: string; value: string }>;
    expect(findings.map((finding) => finding.check)).toEqual(linux.map((finding) => finding.check));
    const value = (list: typeof findings, check: string) => list.find((finding) => finding.check === check)?.value;
    expect(value(findings, 'open files')).toBe(value(linux, 'open files'));
    expect(value(findings, 'memory')).toMatch(/\d/);
  });
});
