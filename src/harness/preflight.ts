/**
 * Before anything starts: will the run fit this machine? A lab may estimate its peak
 * memory from its parameters and connection count (a buffered 256 MiB file per request at
 * 1000 connections is 250 GiB); every connection is an open file in devcap and in the
 * server. A run that would not fit is refused with the flag to lower, instead of taking
 * the machine down with it.
 */
import { readFileSync } from 'node:fs';
import { freemem } from 'node:os';
import { TooBig } from '../errors.js';
import type { AnyLab } from '../lab/types.js';
import { procAvailable, shellOpenFileLimit } from './platform.js';

/** Memory every run needs whatever the lab: devcap, the load generator, a server or two. */
export const BASE_RUN_BYTES = 256 * 1024 * 1024;
/** Open files per connection (devcap's socket, the server's) and for everything else. */
const FILES_PER_CONNECTION = 2;
const FILES_BESIDES = 128;

export interface MachineLimits {
  availableMemoryBytes: number;
  /** The soft limit on open files, or Infinity when unknown or unlimited. */
  openFiles: number;
}

function readNumber(path: string): number | undefined {
  try {
    const value = Number(readFileSync(path, 'utf8').trim());
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** MemAvailable (what can be had without swapping), within the cgroup's limit when there is one. */
export function availableMemoryBytes(): number {
  let available = freemem();
  // Without /proc (macOS, Windows) freemem() it is: on macOS it counts only free pages, not
  // the cache the system would give up, so the check errs on the side of refusing.
  if (!procAvailable()) return available;
  try {
    const kib = /^MemAvailable:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1];
    if (kib) available = Number(kib) * 1024;
  } catch {
    // not Linux: freemem() it is
  }
  const limit = readNumber('/sys/fs/cgroup/memory.max');
  const used = readNumber('/sys/fs/cgroup/memory.current');
  if (limit !== undefined && used !== undefined) available = Math.min(available, Math.max(0, limit - used));
  return available;
}

/** The soft open-file limit devcap runs under (Node raises it to the hard limit at start). */
export function openFileLimit(): number {
  if (!procAvailable()) return shellOpenFileLimit();
  try {
    const match = /^Max open files\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (match && match[1] !== 'unlimited') return Number(match[1]);
  } catch {
    // not Linux
  }
  return Number.POSITIVE_INFINITY;
}

export function machineLimits(): MachineLimits {
  return { availableMemoryBytes: availableMemoryBytes(), openFiles: openFileLimit() };
}

const GiB = 1024 ** 3;
const size = (bytes: number) => (bytes >= GiB ? `${(bytes / GiB).toFixed(1)} GiB` : `${Math.ceil(bytes / 1024 ** 2)} MiB`);

/** Throws DEVCAP_TOO_BIG (exit 2) when the lab at these settings would not fit `limits`. */
export function checkFits(lab: AnyLab, params: Record<string, number>, connections: number, limits: MachineLimits): void {
  const files = connections * FILES_PER_CONNECTION + FILES_BESIDES;
  if (files > limits.openFiles) {
    throw new TooBig(`lab ${lab.day} at ${connections} connections needs about ${files} open files, and the limit here is ${limits.openFiles} (ulimit -n): ` +
        `lower --connections to ${Math.max(1, Math.floor((limits.openFiles - FILES_BESIDES) / FILES_PER_CONNECTION))} or less, or raise ulimit -n`,
    );
  }
  const estimate = lab.estimateMemory?.(params, connections);
  if (!estimate) return;
  const needed = estimate.bytes + BASE_RUN_BYTES;
  if (needed > limits.availableMemoryBytes) {
    throw new TooBig(`lab ${lab.day} (${lab.slug}) would need about ${size(needed)} of memory (${estimate.why}), and ${size(limits.availableMemoryBytes)} is available: ` +
        `lower ${estimate.lower.join(' or ')}`,
    );
  }
}
