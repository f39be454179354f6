/**
 * What devcap reads off the operating system. Linux has /proc (and /sys); macOS and Windows
 * do not, and there devcap asks portable calls instead: a process's command line from
 * `ps`, free memory from os.freemem(), the open-file limit from the shell's `ulimit -n`.
 *
 * DEVCAP_PLATFORM_NO_PROC=1 is internal, for devcap's own tests: Linux takes the paths of a
 * machine without /proc, so CI runs the watchdog, the sweep, the preflight and doctor the
 * way a Mac does.
 */
import { spawnSync } from 'node:child_process';

export function procAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  return process.platform === 'linux' && env.DEVCAP_PLATFORM_NO_PROC !== '1';
}

/** `ps -o args=`: a live process's arguments joined by spaces; null when it is gone or there is no `ps` (Windows). */
export function psCommandLine(pid: number): string | null {
  if (process.platform === 'win32') return null;
  // -ww: never cut at a terminal's width
  const answer = spawnSync('ps', ['-ww', '-o', 'args=', '-p', String(pid)], { encoding: 'utf8', timeout: 2000 });
  if (answer.status !== 0) return null;
  // /proc's arguments are joined without the empty ones; ps leaves a double space for each
  const line = (answer.stdout ?? '').trim().replace(/\s+/g, ' ');
  return line || null;
}

/** The shell's `ulimit -n` (the soft open-file limit a child of devcap inherits); Infinity when unlimited or unknown. */
export function shellOpenFileLimit(): number {
  if (process.platform === 'win32') return Number.POSITIVE_INFINITY;
  const answer = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8', timeout: 2000 });
  const value = Number((answer.stdout ?? '').trim());
  return answer.status === 0 && Number.isInteger(value) && value > 0 ? value : Number.POSITIVE_INFINITY;
}
