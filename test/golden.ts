import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

// What the built CLI prints, committed under test/golden/ from the code as it was, and compared
// byte for byte: a refactor of the option table or of the errors must leave every byte as it is.
// DEVCAP_RECORD_GOLDEN=1 writes what the build prints instead (after a change meant to be seen).
export const RECORDING = process.env.DEVCAP_RECORD_GOLDEN === '1';
const DIR = fileURLToPath(new URL('./golden/', import.meta.url));
const PACKAGE = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

/**
 * Machine-specific parts made stable: the package's own path, the memory free at the moment
 * (DEVCAP_TOO_BIG says it), and the lab table of the top help (it follows the manifest, so a
 * new lab must not change a golden; the regex tests and `devcap list` cover the table).
 */
export function stable(text: string): string {
  return text
    .split(PACKAGE)
    .join('<package>')
    .replace(/\b\d+(\.\d+)? [KMG]iB is available\b/g, '<free memory> is available')
    .replace(/\nLabs:\n[\s\S]*?\n\n/, '\nLabs:\n<the labs of the manifest>\n\n');
}

/** The golden text file `name` (test/golden/name), or, when recording, `actual` written there. */
export function goldenText(name: string, actual: string): string {
  const file = DIR + name;
  if (RECORDING) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return actual;
  }
  return readFileSync(file, 'utf8');
}

/** One JSON file of named lines (the bad-input cases' stderr), recorded case by case and written at the end. */
export function goldenLines(name: string): { expected(key: string, actual: string): string | undefined; save(): void } {
  const file = DIR + name;
  const lines = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  return {
    expected(key, actual) {
      if (RECORDING) lines[key] = actual;
      return lines[key];
    },
    save() {
      if (!RECORDING) return;
      const sorted = Object.fromEntries(Object.entries(lines).sort(([a], [b]) => a.localeCompare(b)));
      writeFileSync(file, JSON.stringify(sorted, null, 2) + '\n');
    },
  };
}
