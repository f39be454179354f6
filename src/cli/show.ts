/**
 * `devcap show <lab> [variant]`: the lesson in the terminal. The lab's README rendered,
 * a variant's (or a control's) source, or with `--diff a b` the lines that differ between
 * two of them: often the whole lesson is those few lines.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NoSuchFile, UnknownVariant } from '../errors.js';
import { SOURCE_LABS_DIR, type LabManifestEntry } from '../lab/registry.js';

export interface ShowOptions {
  diff?: [string, string];
  color: boolean;
  /** Terminal width; 0 or unknown means 80. */
  columns?: number;
}

/** Source files a lab has, by name: its variants, then its controls (`controls/<name>`). */
export async function sourcesOf(entry: LabManifestEntry): Promise<Map<string, string>> {
  const { loadLab } = await import('../lab/registry.js');
  const { lab } = await loadLab(entry.folder);
  const folder = join(SOURCE_LABS_DIR, entry.folder);
  const sources = new Map<string, string>();
  for (const [name, variant] of Object.entries(lab.variants)) sources.set(name, join(folder, variant.file.replace(/\.js$/, '.ts')));
  for (const [name, control] of Object.entries(lab.controls ?? {})) sources.set(`controls/${name}`, join(folder, control.file.replace(/\.js$/, '.ts')));
  return sources;
}

function sourceFile(sources: Map<string, string>, name: string, entry: LabManifestEntry): string {
  const path = sources.get(name) ?? sources.get(`controls/${name}`);
  if (!path) {
    throw new UnknownVariant(`lab ${entry.day} has no variant or control "${name}"; it has: ${[...sources.keys()].join(', ')}`);
  }
  if (!existsSync(path)) throw new NoSuchFile(`${path} is missing from this install`);
  return path;
}

export async function show(entry: LabManifestEntry, variant: string | undefined, options: ShowOptions): Promise<string> {
  const width = options.columns && options.columns > 20 ? Math.min(options.columns, 120) : 80;
  if (options.diff) {
    const sources = await sourcesOf(entry);
    const [a, b] = options.diff.map((name) => sourceFile(sources, name, entry)) as [string, string];
    const { createTwoFilesPatch } = await import('diff');
    const patch = createTwoFilesPatch(options.diff[0], options.diff[1], readFileSync(a, 'utf8'), readFileSync(b, 'utf8'), '', '', { context: 3 });
    // Drop the "====" rule and the tab createTwoFilesPatch leaves after each name.
    const lines = patch.split('\n').filter((line) => !/^=+$/.test(line)).map((line) => (/^(---|\+\+\+) /.test(line) ? line.trimEnd() : line));
    if (!options.color) return lines.join('\n');
    const { Chalk } = await import('chalk');
    const c = new Chalk({ level: 1 });
    return lines.map((line) => (line.startsWith('+') ? c.green(line) : line.startsWith('-') ? c.red(line) : line.startsWith('@@') ? c.cyan(line) : line)).join('\n');
  }
  if (variant) {
    const sources = await sourcesOf(entry);
    const code = readFileSync(sourceFile(sources, variant, entry), 'utf8');
    if (!options.color) return code;
    const { highlight } = await import('cli-highlight');
    return highlight(code, { language: 'typescript', ignoreIllegals: true });
  }
  const readme = join(SOURCE_LABS_DIR, entry.folder, 'README.md');
  const text = readFileSync(readme, 'utf8');
  if (!options.color) return text;
  const { Marked } = await import('marked');
  const { markedTerminal } = await import('marked-terminal');
  const marked = new Marked(markedTerminal({ width, reflowText: true }));
  return (await marked.parse(text)).trimEnd();
}
