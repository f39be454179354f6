import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { reporter, type ReportOptions } from './reporters.js';
import type { LabResult } from './result.js';
import { renderTerminal } from './terminal.js';
import settings from './golden/settings.json' with { type: 'json' };

// Saved results of real runs through every reporter, compared byte for byte with the outputs
// committed beside this file (written by scripts/report-goldens.mjs from the code as it was).
// A refactor of the reporters or of what calls them must leave every byte as it is.
const fixtures = new URL('../../test/fixtures/', import.meta.url);
const golden = new URL('./golden/', import.meta.url);
const saved = readdirSync(fixtures).filter((name) => name.endsWith('result.json'));
type Reporter = keyof typeof settings.extensions;

const render: Record<Reporter, (result: LabResult) => string> = {
  terminal: (result) => renderTerminal(result, { color: false }),
  json: (result) => renderJson([result], true),
  markdown: (result) => renderMarkdown(result),
  html: (result) => renderHtml([result], { chartJs: settings.chartJs }),
  junit: (result) => renderJunit([result], { strict: false }),
};

// The same through the reporters' map, as the commands call them.
const mapped: Record<Reporter, ReportOptions> = {
  terminal: { color: false },
  json: { single: true },
  markdown: {},
  html: { chartJs: settings.chartJs },
  junit: { strict: false },
};

const columns = Object.getOwnPropertyDescriptor(process.stdout, 'columns');
beforeAll(() => {
  Object.defineProperty(process.stdout, 'columns', { value: settings.columns, configurable: true });
});
afterAll(() => {
  if (columns) Object.defineProperty(process.stdout, 'columns', columns);
  else delete (process.stdout as { columns?: number }).columns;
});

describe('every reporter, on saved results', () => {
  it('has saved results to render (lab 1 and lab 4)', () => {
    expect(saved.length).toBeGreaterThanOrEqual(2);
  });

  for (const file of saved) {
    for (const kind of Object.keys(render) as Reporter[]) {
      const name = `${file.replace(/\.json$/, '')}.${kind}.${settings.extensions[kind]}`;
      const result = () => JSON.parse(readFileSync(new URL(file, fixtures), 'utf8')) as LabResult;
      it(`${file} through ${kind} is byte for byte ${name}`, () => {
        const expected = readFileSync(new URL(name, golden));
        const actual = Buffer.from(render[kind](result()));
        // The text first, for a readable diff; then the bytes, which are what is promised.
        expect(actual.toString('utf8')).toBe(expected.toString('utf8'));
        expect(actual.equals(expected)).toBe(true);
      });

      it(`${file} through the map's ${kind} reporter is byte for byte ${name}`, async () => {
        const actual = Buffer.from((await reporter(kind))([result()], mapped[kind]));
        expect(actual.equals(readFileSync(new URL(name, golden)))).toBe(true);
      });
    }
  }
});
