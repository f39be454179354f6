/**
 * Folders devcap creates for the user (an exercise's folder, the state directory), one level
 * at a time. Node's `mkdirSync(dir, { recursive: true })` never returns under /proc
 * (`/proc/nope/deeper`: the kernel answers ENOENT for `/proc/nope` and EEXIST for `/proc`, so
 * it retries forever); created level by level, the first level that cannot be made is the error.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** `mkdir -p` that fails at once: throws the errno error of the first level it cannot create. */
export function makeFolder(dir: string, mode?: number): void {
  const missing: string[] = [];
  let at = resolve(dir);
  for (;;) {
    let stats;
    try {
      stats = statSync(at);
    } catch (error) {
      // ENOTDIR: a file further up; walking up finds it
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    }
    if (stats) {
      if (!stats.isDirectory()) throw Object.assign(new Error(`not a directory: ${at}`), { code: 'ENOTDIR', file: at });
      break;
    }
    missing.unshift(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const level of missing) {
    try {
      mkdirSync(level, mode === undefined ? undefined : { mode });
    } catch (error) {
      // made meanwhile by someone else (two runs at once) is as good
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(level).isDirectory()) throw error;
    }
  }
}

/** Why a file or folder could not be made, in a few words. */
export function whyNot(error: unknown, target: string): string {
  const { code, path, file } = error as NodeJS.ErrnoException & { file?: string };
  // The errno's path is what was being made; the folder at fault is the one above it.
  const above = path ? dirname(path) : dirname(target);
  if (code === 'ENOENT') return `no such directory: ${above}`;
  if (code === 'ENOTDIR') return `not a directory: ${file ?? above}`;
  if (code === 'EACCES' || code === 'EPERM') return `permission denied${path ? `: ${path}` : ''}`;
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'EISDIR') return 'it is a directory';
  return (error as Error).message;
}
