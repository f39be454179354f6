import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveFromDevcap, rewriteImports, stripTypes } from './learner-file.js';

const root = mkdtempSync(join(tmpdir(), 'learner-file-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const learnerDir = join(root, 'mine');
const labDir = join(root, 'lab');
mkdirSync(learnerDir);
mkdirSync(labDir);
writeFileSync(join(learnerDir, 'helper.js'), '');
writeFileSync(join(learnerDir, 'api.js'), '');
writeFileSync(join(labDir, 'api.js'), '');
writeFileSync(join(labDir, 'db.js'), '');
const bare = (specifier: string) => (specifier === 'express' ? 'file:///devcap/node_modules/express/index.js' : null);

describe('rewriteImports', () => {
  it('points each import at the file it means, leaving built-ins and unknowns alone', () => {
    const code = [
      "import express from 'express';",
      "import { readFileSync } from 'node:fs';",
      "import { createApi } from './api.js';",
      "import { query } from './db.js';",
      "export { x } from './helper.js';",
      "import './missing.js';",
      "const later = await import('express');",
      "import { nothing } from \"left-pad\";",
    ].join('\n');
    const lines = rewriteImports(code, learnerDir, labDir, bare).split('\n');
    expect(lines[0]).toBe("import express from 'file:///devcap/node_modules/express/index.js';");
    expect(lines[1]).toBe("import { readFileSync } from 'node:fs';");
    // The learner's own file first, the lab's when they have none.
    expect(lines[2]).toBe(`import { createApi } from '${pathToFileURL(join(learnerDir, 'api.js')).href}';`);
    expect(lines[3]).toBe(`import { query } from '${pathToFileURL(join(labDir, 'db.js')).href}';`);
    expect(lines[4]).toBe(`export { x } from '${pathToFileURL(join(learnerDir, 'helper.js')).href}';`);
    expect(lines[5]).toBe("import './missing.js';");
    expect(lines[6]).toBe("const later = await import('file:///devcap/node_modules/express/index.js');");
    expect(lines[7]).toBe('import { nothing } from "left-pad";');
  });

  it('resolves devcap/serve and devcap\'s dependencies as devcap does', () => {
    expect(resolveFromDevcap('devcap/serve')).toMatch(/\/dist\/src\/lab\/serve\.js$/);
    expect(resolveFromDevcap('express')).toMatch(/\/node_modules\/express\//);
    expect(resolveFromDevcap('no-such-package-here')).toBeNull();
  });
});

describe('stripTypes', () => {
  it('removes types from TypeScript, keeping the lines where they were', async () => {
    const source = "import { serve, type Server } from 'devcap/serve';\nconst n: number = 1;\nfunction f(x: string): void {}\nserve(n as never);\n";
    const code = await stripTypes(source, '/x/mine.ts');
    expect(code).not.toMatch(/: number|: string|as never|type Server/);
    expect(code.split('\n')).toHaveLength(source.split('\n').length);
  });

  it('leaves JavaScript as it is, and names a file that does not parse', async () => {
    expect(await stripTypes('const a: = 1', '/x/mine.js')).toBe('const a: = 1');
    await expect(stripTypes('const a: = 1;', '/x/mine.ts')).rejects.toMatchObject({ code: 'DEVCAP_BAD_SOURCE' });
  });
});
