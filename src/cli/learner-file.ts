/**
 * A learner's own server file, made runnable in a variant's place without a build step.
 * Node 20 cannot run TypeScript, and a file in the learner's own folder cannot see devcap's
 * packages ('devcap/serve', express, ioredis): so devcap writes a copy into a temp dir it
 * owns, types stripped (sucrase), as an ES module (.mjs), with each import pointed at the
 * file it means. Nothing of it outlives the run.
 */
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BadOption, NoSuchFile, UsageError } from '../errors.js';
import { ownTempDir } from '../harness/cleanup.js';

const TYPESCRIPT = new Set(['.ts', '.mts']);
const JAVASCRIPT = new Set(['.js', '.mjs']);

/** The file must exist and be TypeScript or JavaScript (an ES module, as the starting files are). */
export function learnerPath(file: string, flag: string): string {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) throw new NoSuchFile(`${flag}${file}: no such file`);
  const ext = extname(path);
  if (!TYPESCRIPT.has(ext) && !JAVASCRIPT.has(ext)) throw new BadOption(`${flag}${file}: give a TypeScript or JavaScript file (.ts, .mts, .js or .mjs)`);
  return path;
}

/** Types removed, nothing else changed: the line numbers in a stack trace are the learner's own. */
export async function stripTypes(source: string, path: string): Promise<string> {
  if (!TYPESCRIPT.has(extname(path))) return source;
  const { transform } = await import('sucrase');
  try {
    return transform(source, { transforms: ['typescript'], disableESTransforms: true, filePath: path }).code;
  } catch (error) {
    throw new UsageError('DEVCAP_BAD_SOURCE', `${path} does not parse: ${(error as Error).message.split('\n')[0]}`);
  }
}

/**
 * Each import's specifier as the temp copy must say it:
 * - `node:` and other built-ins stay;
 * - a relative one names the file beside the learner's file, or, when there is none, the
 *   one beside the lab's own variant (a starting file keeps the lab's `./db.js`, `./api.js`);
 * - a bare one ('devcap/serve', 'express') is resolved as devcap resolves it.
 * A specifier that resolves nowhere is left for node to report.
 */
export function rewriteImports(code: string, learnerDir: string, labDir: string, resolveBare: (specifier: string) => string | null): string {
  const target = (specifier: string): string => {
    if (isBuiltin(specifier)) return specifier;
    if (specifier.startsWith('./') || specifier.startsWith('../')) {
      for (const dir of [learnerDir, labDir]) {
        const candidate = resolve(dir, specifier);
        if (existsSync(candidate) && statSync(candidate).isFile()) return pathToFileURL(candidate).href;
      }
      return specifier;
    }
    if (/^[a-z]+:/i.test(specifier)) return specifier;
    return resolveBare(specifier) ?? specifier;
  };
  // `import x from '…'`, `export … from '…'`, `import '…'`, `import('…')`.
  return code.replace(/(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"\n]+)\2/g, (_, lead: string, quote: string, specifier: string) => `${lead}${quote}${target(specifier)}${quote}`);
}

/** Resolved from devcap's own code, so its dependencies and its package exports ('devcap/serve') are found. */
export function resolveFromDevcap(specifier: string): string | null {
  try {
    return import.meta.resolve(specifier);
  } catch {
    return null;
  }
}

/**
 * Writes the runnable copy into a fresh `devcap-learner-*` temp dir, owned by the run (so
 * the run's cleanup, the watchdog or the next run's sweep removes it); returns its path.
 */
export async function runnableCopy(path: string, labDir: string): Promise<string> {
  const code = rewriteImports(await stripTypes(readFileSync(path, 'utf8'), path), dirname(path), labDir, resolveFromDevcap);
  const dir = mkdtempSync(join(tmpdir(), 'devcap-learner-'));
  ownTempDir(dir);
  const copy = join(dir, `${basename(path, extname(path))}.mjs`);
  writeFileSync(copy, code);
  return copy;
}
