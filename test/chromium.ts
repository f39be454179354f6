import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { expect } from 'vitest';

/** DEVCAP_CHROMIUM, else Debian's /usr/bin/chromium, else `chromium` on PATH. */
export function findChromium(): string | undefined {
  if (process.env.DEVCAP_CHROMIUM) return process.env.DEVCAP_CHROMIUM;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  const which = spawnSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : undefined;
}

/** The Chromium to test pages in; the test fails, saying how to get one, when there is none. */
export function requireChromium(): string {
  const executablePath = findChromium();
  const missing = 'no Chromium to open the page in: apt-get install chromium (Debian/Ubuntu), or set DEVCAP_CHROMIUM to a Chromium or Chrome binary';
  expect(executablePath !== undefined && existsSync(executablePath), `${missing} (looked for ${executablePath ?? '/usr/bin/chromium and chromium on PATH'})`).toBe(true);
  return executablePath!;
}
