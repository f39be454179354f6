// Writes the reporters' golden outputs (src/report/golden/) from the built code: every saved
// result in test/fixtures/*-result.json through every reporter, as src/report/golden.test.ts
// renders it. Run it only when an output is meant to change, and say why in the commit:
// the golden test exists so that a refactor changes no byte.
//   node scripts/report-goldens.mjs [root of a build, default: this package]
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const here = resolve(import.meta.dirname, '..');
const root = resolve(process.argv[2] ?? here);
const load = (name) => import(pathToFileURL(join(root, 'dist/src/report', name)).href);
const { renderTerminal } = await load('terminal.js');
const { renderJson } = await load('json.js');
const { renderMarkdown } = await load('markdown.js');
const { renderHtml } = await load('html.js');
const { renderJunit } = await load('junit.js');
const settings = JSON.parse(readFileSync(join(here, 'src/report/golden/settings.json'), 'utf8'));
/** `lab-result.json`, `html` → `lab-result.html.html`. */
const goldenName = (fixture, reporter) => `${fixture.replace(/\.json$/, '')}.${reporter}.${settings.extensions[reporter]}`;

Object.defineProperty(process.stdout, 'columns', { value: settings.columns, configurable: true });
const fixtures = join(here, 'test/fixtures');
for (const file of readdirSync(fixtures).filter((name) => name.endsWith('result.json'))) {
  const result = JSON.parse(readFileSync(join(fixtures, file), 'utf8'));
  const outputs = {
    terminal: renderTerminal(result, { color: false }),
    json: renderJson([result], true),
    markdown: renderMarkdown(result),
    html: renderHtml([result], { chartJs: settings.chartJs }),
    junit: renderJunit([result], { strict: false }),
  };
  for (const [reporter, text] of Object.entries(outputs)) {
    writeFileSync(join(here, 'src/report/golden', goldenName(file, reporter)), text);
    console.log(`wrote ${goldenName(file, reporter)} (${Buffer.byteLength(text)} bytes)`);
  }
}
