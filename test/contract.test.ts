import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMPILED_LABS_DIR, describeLab, loadAllLabs, loadLab, readManifest, SOURCE_LABS_DIR } from '../dist/src/lab/registry.js';
import { metrics } from '../dist/src/lab/metrics.js';

// The contract every lab folder keeps (docs/writing-a-lab.md). Reads the compiled labs
// that `npm test` builds first, and the sources beside them.
const sourceFolders = readdirSync(SOURCE_LABS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== '_template')
  .map((entry) => entry.name)
  .sort();
const labs = await loadAllLabs(COMPILED_LABS_DIR);
// labs/_template, the folder a new lab is copied from, keeps the same contract (but for its
// day, 0, and a Measured block, which only `npm run results` writes); the registry never lists it.
const template = await loadLab('_template', COMPILED_LABS_DIR);
const README_SECTIONS = ['## The claim', '## What the lab measures', '## What to expect', '## Try this'];

/** Packages (CommonJS or ES modules) a snippet of ESM loads, as paths or URLs under node_modules. */
function packagesLoadedBy(code: string): string[] {
  const cjs = fileURLToPath(new URL('./trace-modules.cjs', import.meta.url));
  const esm = pathToFileURL(fileURLToPath(new URL('./trace-esm.mjs', import.meta.url))).href;
  const child = spawnSync(process.execPath, ['--require', cjs, '--import', esm, '--input-type=module', '-e', code], { encoding: 'utf8' });
  expect(child.status, child.stderr).toBe(0);
  const lines = child.stderr.split('\n');
  const cjsLine = lines.find((text) => text.startsWith('LOADED_MODULES '))!;
  const loaded = [
    ...(JSON.parse(cjsLine.slice('LOADED_MODULES '.length)) as string[]),
    ...lines.filter((text) => text.startsWith('RESOLVED_MODULE ')).map((text) => text.slice('RESOLVED_MODULE '.length)),
  ];
  return loaded.filter((path) => path.includes('/node_modules/'));
}

describe('the import tracer', () => {
  it('sees a package imported as an ES module (chalk) and one loaded through require (commander)', () => {
    const loaded = packagesLoadedBy(`await import('chalk'); (await import('node:module')).createRequire(import.meta.url)('commander');`);
    expect(loaded.some((path) => path.includes('/node_modules/chalk/'))).toBe(true);
    expect(loaded.some((path) => path.includes('/node_modules/commander/'))).toBe(true);
  });
});

/**
 * The layers src/ has, and which ones each may import: cli → harness → infra, report, lab;
 * api is what the package exports to labs (`devcap/lab`), over lab and the harness.
 */
const MAY_IMPORT: Record<string, string[]> = {
  api: ['api', 'lab', 'harness'],
  cli: ['cli', 'harness', 'infra', 'report', 'lab', 'types'],
  harness: ['harness', 'infra', 'report', 'lab'],
  infra: ['infra', 'lab'],
  report: ['report', 'lab'],
  lab: ['lab'],
};

/** Relative imports of src/<layer>/ files (tests excluded) that reach another layer of src/. */
function layerViolations(root: string): string[] {
  const found: string[] = [];
  for (const [layer, allowed] of Object.entries(MAY_IMPORT)) {
    const dir = join(root, layer);
    for (const name of readdirSync(dir)) {
      if (!name.endsWith('.ts') || name.endsWith('.test.ts')) continue;
      const text = readFileSync(join(dir, name), 'utf8');
      for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'\.\.\/([a-z]+)\//g)) {
        if (!allowed.includes(match[1]!)) found.push(`src/${layer}/${name} imports ../${match[1]}/`);
      }
    }
  }
  return found;
}

describe('imports run one way', () => {
  it('cli → harness → infra, report, lab; nothing imports back up', () => {
    expect(layerViolations(fileURLToPath(new URL('../src/', import.meta.url)))).toEqual([]);
  });

  it('the check finds a backward import (its positive control)', () => {
    const root = mkdtempSync(join(tmpdir(), 'devcap-layers-'));
    try {
      for (const layer of Object.keys(MAY_IMPORT)) mkdirSync(join(root, layer));
      writeFileSync(join(root, 'infra', 'db.ts'), "import { VariantProcess } from '../harness/variant-process.js';\n");
      writeFileSync(join(root, 'report', 'x.ts'), "import type { Verdict } from '../harness/stats.js';\n");
      writeFileSync(join(root, 'harness', 'ok.ts'), "import { send } from '../lab/http.js';\n");
      expect(layerViolations(root).sort()).toEqual(['src/infra/db.ts imports ../harness/', 'src/report/x.ts imports ../harness/']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

/** Imports of devcap's own modules by path (src/ or dist/) in a folder of labs or fixtures, their tests included: they must go through `devcap/lab`. */
function pastTheApi(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|mts|js|mjs)$/.test(entry.name)) {
        for (const match of readFileSync(path, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'((?:\.\.\/)+(?:src|dist)\/[^']*)'/g)) found.push(`${path.slice(root.length + 1)} imports ${match[1]}`);
      }
    }
  };
  walk(root);
  return found;
}

describe("the README's tables of labs", () => {
  it('are what the lab definitions say (npm run readme writes them), and a stale row is caught', async () => {
    const source = new URL('../scripts/readme-source.mjs', import.meta.url).href;
    const { readmeTables } = (await import(source)) as { readmeTables: (text: string) => Promise<string> };
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(await readmeTables(readme), 'README.md is stale: npm run readme').toBe(readme);
    const stale = readme.replace(/^\| 2 \| `event-loop` \| [^\n]*$/m, '| 2 | `event-loop` | something else | – |');
    expect(stale).not.toBe(readme);
    expect(await readmeTables(stale)).toBe(readme);
  });
});

describe('labs reach the harness only through devcap/lab', () => {
  it('no lab file, control, variant, fixture or their tests import src/ or dist/ by path', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    expect([...pastTheApi(join(root, 'labs')), ...pastTheApi(join(root, 'fixtures'))]).toEqual([]);
  });

  it('catches a planted import (positive control)', () => {
    const root = mkdtempSync(join(tmpdir(), 'devcap-api-'));
    try {
      mkdirSync(join(root, '99-x', 'controls'), { recursive: true });
      writeFileSync(join(root, '99-x', 'lab.ts'), "import { defineLab } from 'devcap/lab';\nimport { VariantProcess } from '../../src/harness/variant-process.js';\n");
      writeFileSync(join(root, '99-x', 'controls', 'c.ts'), "const { runLoad } = await import('../../../dist/src/harness/load.js');\n");
      writeFileSync(join(root, '99-x', 'lab.test.ts'), "import { startDatabase } from '../../dist/src/infra/database.js';\n");
      expect(pastTheApi(root).sort()).toEqual([
        '99-x/controls/c.ts imports ../../../dist/src/harness/load.js',
        '99-x/lab.test.ts imports ../../dist/src/infra/database.js',
        '99-x/lab.ts imports ../../src/harness/variant-process.js',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

/**
 * The functions a fixtures file exports: fixtures/ holds data (rows, schemas, queries, the
 * tables a lab declares), and code a lab calls lives in `devcap/lab`. A generator of seed rows
 * (`export function*`) is data made at startup, and is allowed.
 */
function fixtureFunctions(dir: string): string[] {
  const found: string[] = [];
  const exported = /^export\s+(?:async\s+)?function\s+(\w+)|^export\s+const\s+(\w+)\s*(?::[^=]+)?=\s*(?:async\s+)?(?:\([^)]*\)|\w+)\s*(?::[^=]+)?=>/gm;
  for (const name of readdirSync(dir).filter((file) => /\.(ts|mts|js|mjs)$/.test(file) && !/\.test\./.test(file))) {
    for (const match of readFileSync(join(dir, name), 'utf8').matchAll(exported)) found.push(`${name} exports ${match[1] ?? match[2]}`);
  }
  return found;
}

describe('fixtures/ holds data only', () => {
  it('no fixtures file exports a function (seed-row generators aside)', () => {
    expect(fixtureFunctions(fileURLToPath(new URL('../fixtures', import.meta.url)))).toEqual([]);
  });

  it('catches a planted function (positive control)', () => {
    const root = mkdtempSync(join(tmpdir(), 'devcap-fixtures-'));
    try {
      writeFileSync(
        join(root, 'x.ts'),
        [
          'export const ROWS: [number, string][] = [[1, "a"]];',
          'export function* rows(): Generator<[number]> { yield [1]; }',
          'export function loginAs(name: string) { return name; }',
          'export async function fetchIt() {}',
          'export const userId = (name: string): number => name.length;',
          'export const bare = async n => n;',
        ].join('\n'),
      );
      writeFileSync(join(root, 'x.test.ts'), 'export function helper() {}\n');
      expect(fixtureFunctions(root)).toEqual(['x.ts exports loginAs', 'x.ts exports fetchIt', 'x.ts exports userId', 'x.ts exports bare']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

/** The folders of a lab whose files run as servers (variants, controls, companion services) or are a learner's (exercise/). */
const SERVER_FOLDERS = ['variants', 'controls', 'services', 'exercise'];
/** What of devcap such a file may import: the world a lab server talks to. */
const SERVER_API = ['devcap/serve', 'devcap/accounts'];

/**
 * Imports in a lab's server files that reach past `devcap/serve` and `devcap/accounts`:
 * another export of devcap (`devcap/lab` is the harness's side) or a relative path out of
 * the lab's folder (`../../../fixtures/…`), which a learner's file, written outside the
 * package by `devcap exercise`, could not follow either.
 */
function pastTheServerApi(labsRoot: string): string[] {
  const found: string[] = [];
  for (const lab of readdirSync(labsRoot, { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
    const labDir = join(labsRoot, lab.name);
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.(ts|mts|js|mjs)$/.test(entry.name)) {
          for (const match of readFileSync(path, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
            const specifier = match[1]!;
            const outside = specifier.startsWith('.') && !resolve(dir, specifier).startsWith(labDir + sep);
            const otherExport = /^devcap(\/|$)/.test(specifier) && !SERVER_API.includes(specifier);
            if (outside || otherExport) found.push(`${relative(labsRoot, path)} imports ${specifier}`);
          }
        }
      }
    };
    for (const folder of SERVER_FOLDERS) if (existsSync(join(labDir, folder))) walk(join(labDir, folder));
  }
  return found;
}

describe("variants and controls import only devcap/serve (and devcap/accounts) of devcap's", () => {
  it('no variant, control, service or exercise file imports another part of devcap, or a file outside its lab', () => {
    expect(pastTheServerApi(SOURCE_LABS_DIR)).toEqual([]);
  });

  it('catches a planted import (positive control)', () => {
    const root = mkdtempSync(join(tmpdir(), 'devcap-serve-api-'));
    try {
      mkdirSync(join(root, '99-x', 'variants'), { recursive: true });
      mkdirSync(join(root, '99-x', 'controls'), { recursive: true });
      writeFileSync(join(root, '99-x', 'variants', 'app.ts'), "import { serve, query } from 'devcap/serve';\nimport { findUser } from 'devcap/accounts';\nimport { x } from './db.js';\n");
      writeFileSync(join(root, '99-x', 'variants', 'uses-fixtures.ts'), "import { findUser } from '../../../fixtures/accounts.js';\n");
      writeFileSync(join(root, '99-x', 'controls', 'c.ts'), "import { sleep } from 'devcap/lab';\nimport { createApi } from '../variants/app.js';\n");
      writeFileSync(join(root, '99-x', 'lab.ts'), "import { USERS } from '../../fixtures/users.js';\n");
      expect(pastTheServerApi(root).sort()).toEqual(['99-x/controls/c.ts imports devcap/lab', '99-x/variants/uses-fixtures.ts imports ../../../fixtures/accounts.js']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('the lab registry', () => {
  it('finds a compiled lab for every folder under labs/, and nothing else', () => {
    expect(sourceFolders.length).toBeGreaterThanOrEqual(2);
    expect(labs.map((lab) => lab.folder)).toEqual(sourceFolders);
  });

  it('has a build manifest that says of every lab exactly what importing it says', async () => {
    expect(existsSync(join(COMPILED_LABS_DIR, 'manifest.json')), 'npm run build writes dist/labs/manifest.json').toBe(true);
    expect(await readManifest(COMPILED_LABS_DIR)).toEqual(labs.map(describeLab));
  });

  it('never lists the template', () => {
    expect(template.lab.slug).toBe('template');
    expect(labs.map(({ lab }) => lab.slug)).not.toContain('template');
  });

  it('has unique days and slugs, each matching its folder name', () => {
    const days = labs.map(({ lab }) => lab.day);
    const slugs = labs.map(({ lab }) => lab.slug);
    expect(new Set(days).size).toBe(days.length);
    expect(new Set(slugs).size).toBe(slugs.length);
    for (const { lab, folder } of labs) expect(folder).toBe(`${String(lab.day).padStart(2, '0')}-${lab.slug}`);
  });
});

describe.each([...labs, template].map((loaded) => [loaded.folder, loaded] as const))('lab %s', (folder, { lab, compiledDir }) => {
  const source = join(SOURCE_LABS_DIR, folder);
  const variantNames = Object.keys(lab.variants);
  const metricNames = new Set([...Object.keys(metrics), ...Object.keys(lab.metrics ?? {})]);

  it('declares what a reader needs', () => {
    for (const text of [lab.title, lab.claim, lab.takeaway]) expect(text.trim().length).toBeGreaterThan(10);
    expect(variantNames.length).toBeGreaterThanOrEqual(2);
    expect(lab.claims.length).toBeGreaterThanOrEqual(1);
  });

  it('names variants by technique, in kebab case, with their source and compiled files', () => {
    for (const name of variantNames) {
      expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(name).not.toMatch(/\b(bad|good|wrong|right)\b/);
      const file = lab.variants[name]!.file;
      expect(existsSync(join(compiledDir, file)), `${file} compiled`).toBe(true);
      expect(existsSync(join(source, file.replace(/\.js$/, '.ts'))), `${file} source`).toBe(true);
    }
    for (const [name, service] of Object.entries(lab.services ?? {})) {
      expect(existsSync(join(compiledDir, service.file)), `service ${name}`).toBe(true);
    }
  });

  it('makes claims and measures about variants and metrics it has', () => {
    const loadedVariants = lab.workload.variants ?? variantNames;
    for (const claim of lab.claims) {
      if (claim.kind === 'ratio') {
        for (const name of [claim.numerator, claim.denominator, ...(claim.relativeTo ? [claim.relativeTo.numerator, claim.relativeTo.denominator] : [])]) {
          expect(loadedVariants).toContain(name);
        }
        expect(metricNames.has(claim.metric), claim.metric).toBe(true);
        expect(claim.atLeast).toBeGreaterThan(0);
      } else if (claim.kind === 'threshold' || claim.kind === 'count') {
        expect(loadedVariants).toContain(claim.variant);
        expect(metricNames.has(claim.metric), claim.metric).toBe(true);
        expect(((claim.kind === 'count' ? claim.equals : undefined) ?? claim.atLeast ?? claim.atMost) !== undefined).toBe(true);
      } else if (claim.kind === 'model') {
        expect(loadedVariants).toContain(claim.variant);
        expect(lab.model, 'a model claim needs a model').toBeDefined();
        expect(claim.within[0]).toBeLessThan(claim.within[1]);
      } else {
        expect(variantNames).toContain(claim.variant);
        expect(claim.steps.length).toBeGreaterThan(0);
      }
    }
    for (const measure of lab.measures ?? []) {
      expect(loadedVariants).toContain(measure.numerator);
      expect(loadedVariants).toContain(measure.denominator);
    }
    const ids = [...lab.claims, ...(lab.measures ?? [])].map((item) => item.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('says what a correct answer is, for every request of its load and its side stream', () => {
    // A 200 is not proof the work was done: without this, a variant that answers at once
    // without working would be measured as fast, and confirm the lesson.
    expect(typeof lab.workload.requests, 'workload.requests').toBe('function');
    if (lab.workload.side) expect(typeof lab.workload.side.expectBody).toBe('string');
  });

  it('sizes its runs so intervals exist and autocannon can honour them', () => {
    for (const sizing of [lab.workload.sizing, lab.workload.quick]) {
      expect(Number.isInteger(sizing.durationSec) && sizing.durationSec >= 1).toBe(true);
      expect(sizing.rounds).toBeGreaterThanOrEqual(3);
      expect(sizing.connections.length).toBeGreaterThanOrEqual(1);
    }
  });

  it('loads no package when imported, so `devcap --help` stays instant', () => {
    expect(packagesLoadedBy(`await import(${JSON.stringify(pathToFileURL(join(compiledDir, 'lab.js')).href)})`)).toEqual([]);
  });

  it('declares the tables of its database exactly when it needs the database', () => {
    const needsDatabase = [lab.requires ?? [], ...Object.values(lab.variants).map((variant) => variant.requires ?? [])].flat().includes('database');
    expect(lab.database !== undefined, needsDatabase ? 'requires the database: declare database: { tables }' : 'declares a database it does not require').toBe(needsDatabase);
    if (!lab.database) return;
    expect(lab.database.tables.length).toBeGreaterThanOrEqual(1);
    const names = [...lab.database.tables.flatMap((tables) => Object.keys(tables.queries ?? {})), ...Object.keys(lab.database.queries ?? {})];
    expect(new Set(names).size, 'a statement name given twice').toBe(names.length);
  });

  it('has a negative control for every claim, each naming a real variant and real claims', () => {
    const controls = Object.entries(lab.controls ?? {});
    const claimIds = lab.claims.map((claim) => claim.id);
    const rejected = new Set(controls.flatMap(([, control]) => control.rejects));
    expect(claimIds.filter((id) => !rejected.has(id)), 'claims without a control').toEqual([]);
    for (const [name, control] of controls) {
      expect(variantNames, `${name} replaces`).toContain(control.replaces);
      for (const id of control.rejects) expect(claimIds, `${name} rejects`).toContain(id);
      expect(existsSync(join(compiledDir, control.file)), `${control.file} compiled`).toBe(true);
      const text = readFileSync(join(source, control.file.replace(/\.js$/, '.ts')), 'utf8');
      expect(text.trimStart().startsWith('// Negative control:'), `${name} says what it breaks`).toBe(true);
    }
  });

  it('has a README with the lesson sections', () => {
    const readme = readFileSync(join(source, 'README.md'), 'utf8');
    for (const section of README_SECTIONS) expect(readme, section).toContain(section);
  });

  // Every number a lesson quotes comes from a recorded run: `npm run results` writes the
  // block, a row per claim it measured. A row for a claim the lab no longer has would quote
  // a number about nothing.
  it.skipIf(folder === '_template')('has a generated Measured block, with rows only for claims it has', () => {
    const readme = readFileSync(join(source, 'README.md'), 'utf8');
    const start = readme.indexOf('<!-- devcap:measured:start -->');
    const end = readme.indexOf('<!-- devcap:measured:end -->');
    expect(start, 'a devcap:measured block (npm run results)').toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    const block = readme.slice(start, end);
    expect(block, 'written by npm run results').toMatch(/Measured by `npm run results` on \d{4}-\d{2}-\d{2}/);
    const rows = block
      .split('\n')
      .map((line) => /^\| `([^`]+)` \|/.exec(line)?.[1])
      .filter((id): id is string => id !== undefined);
    expect(rows.length).toBeGreaterThan(0);
    const ids = lab.claims.map((claim) => claim.id);
    expect(rows.filter((id) => !ids.includes(id)), 'rows for claims the lab no longer has').toEqual([]);
  });

  it('starts each variant with a comment on what it demonstrates', () => {
    for (const name of variantNames) {
      const text = readFileSync(join(source, lab.variants[name]!.file.replace(/\.js$/, '.ts')), 'utf8');
      expect(text.trimStart().startsWith('//'), name).toBe(true);
      expect(text, `${name} has no measuring code`).not.toMatch(/monitorEventLoopDelay|process\.cpuUsage|autocannon/);
    }
  });
});
