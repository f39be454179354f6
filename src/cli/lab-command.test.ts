import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ExitCode } from '../errors.js';
import { defineLab } from '../lab/define.js';
import type { LoadedLab } from '../lab/registry.js';
import type { AnyLab } from '../lab/types.js';
import type { LabFailure, LabResult } from '../report/result.js';
import { htmlTarget, openOut, report, runLabCommand } from './lab-command.js';

const dir = mkdtempSync(join(tmpdir(), 'devcap-lab-command-test-'));
const state = mkdtempSync(join(tmpdir(), 'devcap-lab-command-state-'));
process.env.DEVCAP_STATE_DIR = state;
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(state, { recursive: true, force: true });
});
afterEach(() => vi.restoreAllMocks());

// A fake lab judges no claim, so only a full run loads its variants (a quick one loads what claims judge).
const sizing = { durationSec: 1, warmupRequests: 0, rounds: 1, connections: [1] };

function fakeLab(day: number, slug: string, variants: string[]): LoadedLab {
  const lab = defineLab({
    day,
    slug,
    title: `fake ${slug}`,
    claim: 'nothing',
    summary: 'nothing',
    variants: Object.fromEntries(variants.map((name) => [name, { file: `${name}.js`, summary: name }])),
    workload: { path: '/', readyPath: '/', sizing, quick: sizing },
    claims: [],
    takeaway: '',
  }) as AnyLab;
  return {
    lab,
    folder: `${day}-${slug}`,
    compiledDir: dir,
    readmePath: join(dir, 'README.md'),
    variantPath: (name) => join(dir, 'no-such-dir', `${name}.js`),
    servicePath: (name) => join(dir, `${name}.js`),
  };
}

function quietly() {
  const stdout: string[] = [];
  const stderr: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (stdout.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true));
  return { stdout, stderr };
}

describe('lab all', () => {
  it('goes on after a failed lab, records its error, writes each lab to --out as it ends, and exits with the worst code', async () => {
    const outFile = join(dir, 'all.jsonl');
    const labs = [fakeLab(97, 'breaks', ['missing-server']), fakeLab(98, 'works', [])];
    const output = quietly();
    const code = await runLabCommand(labs, 'all', { quick: false, json: true, color: false, out: outFile }, 'test');
    vi.restoreAllMocks();
    expect(code).toBe(ExitCode.runFailed);
    const lines = readFileSync(outFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as LabResult | LabFailure);
    expect(lines.map((entry) => entry.lab.slug)).toEqual(['breaks', 'works']);
    const failure = lines[0] as LabFailure;
    expect(failure.error.code).toMatch(/^DEVCAP_/);
    expect(failure.error.exitCode).toBe(ExitCode.runFailed);
    expect((lines[1] as LabResult).claims).toEqual([]);
    const printed = JSON.parse(output.stdout.join('')) as { labs: Array<LabResult | LabFailure> };
    expect(printed.labs.map((entry) => entry.lab.slug)).toEqual(['breaks', 'works']);
    expect(output.stderr.join('')).toMatch(/^devcap: DEVCAP_[A-Z_]+: lab 97 \(breaks\): /m);
  });

  it('one lab that fails still throws (one line, its own exit code), and --out keeps its error', async () => {
    const outFile = join(dir, 'one.jsonl');
    quietly();
    const error = await runLabCommand([fakeLab(97, 'breaks', ['missing-server'])], '97', { quick: false, color: false, out: outFile }, 'test').catch((caught: unknown) => caught);
    vi.restoreAllMocks();
    expect((error as { exitCode: number }).exitCode).toBe(ExitCode.runFailed);
    expect((JSON.parse(readFileSync(outFile, 'utf8')) as LabFailure).error.code).toBe((error as { code: string }).code);
  });
});

describe('--out', () => {
  it('refuses a path it cannot write before anything runs (exit 2)', () => {
    expect(() => openOut('/nonexistent/dir/x.json')).toThrow('--out /nonexistent/dir/x.json: cannot write the results there (no such directory: /nonexistent/dir)');
    expect(() => openOut(dir)).toThrow(/it is a directory/);
  });
});

describe('--html', () => {
  it('refuses a path it cannot write before anything runs (exit 2), and leaves nothing behind when it can', () => {
    expect(() => htmlTarget('/nonexistent/dir/x.html')).toThrow('--html /nonexistent/dir/x.html: cannot write the page there (no such directory: /nonexistent/dir)');
    expect(() => htmlTarget(dir)).toThrow(/^--html .*: cannot write the page there \(it is a directory\)$/);
    expect(() => htmlTarget(join(dir, 'x.html'))).not.toThrow();
    expect(existsSync(join(dir, 'x.html'))).toBe(false);
    const kept = join(dir, 'kept.html');
    writeFileSync(kept, 'an earlier page');
    expect(htmlTarget(kept)).toBe(kept);
    expect(readFileSync(kept, 'utf8')).toBe('an earlier page');
  });

  it('lab all with --json: one page with a section per lab (a failed one with its error), the JSON on stdout as ever', async () => {
    const page = join(dir, 'all.html');
    const output = quietly();
    const code = await runLabCommand([fakeLab(97, 'breaks', ['missing-server']), fakeLab(98, 'works', [])], 'all', { quick: false, json: true, color: false, html: page }, 'test');
    vi.restoreAllMocks();
    expect(code).toBe(ExitCode.runFailed);
    expect((JSON.parse(output.stdout.join('')) as { labs: unknown[] }).labs).toHaveLength(2);
    expect(output.stderr.join('')).toContain(`devcap: wrote the HTML page to ${page}\n`);
    const html = readFileSync(page, 'utf8');
    expect([...html.matchAll(/<section class="lab[^"]*" id="lab-(\d+)"/g)].map((m) => Number(m[1]))).toEqual([97, 98]);
    expect(html).toMatch(/<section class="lab failed" id="lab-97"[^>]*>\n<h2>[^<]*<\/h2>\n<p class="bad"><code>DEVCAP_[A-Z_]+<\/code>/);
  });

  it('a page that cannot be written at the end costs the page, not the result: JSON printed, one line, exit 4', async () => {
    vi.doMock('../report/html.js', () => ({
      renderHtml: () => {
        throw new Error('no space left on device');
      },
    }));
    const page = join(dir, 'lost.html');
    const output = quietly();
    const code = await runLabCommand([fakeLab(98, 'works', [])], '98', { quick: true, json: true, color: false, html: page }, 'test');
    vi.restoreAllMocks();
    vi.doUnmock('../report/html.js');
    expect(code).toBe(ExitCode.runFailed);
    expect((JSON.parse(output.stdout.join('')) as LabResult).lab.slug).toBe('works');
    expect(output.stderr.join('')).toBe(`devcap: DEVCAP_HTML_FAILED: could not write the HTML page to ${page} (no space left on device); the results above are complete\n`);
    expect(existsSync(page)).toBe(false);
  });
});

describe('a reporter that throws', () => {
  it('costs the report, not the result: the JSON goes to stdout and the exit code says the run failed', async () => {
    const broken = { lab: { day: 1, slug: 'x' }, claims: null } as unknown as LabResult;
    const output = quietly();
    const code = await report(broken, 'terminal', false, undefined);
    vi.restoreAllMocks();
    expect(code).toBe(ExitCode.runFailed);
    expect(output.stderr.join('')).toMatch(/^devcap: DEVCAP_REPORT_FAILED: the terminal report of lab 1 failed \(.+\); the result follows as JSON\n$/);
    expect(JSON.parse(output.stdout.join(''))).toEqual(broken);
  });
});
