/**
 * Everything a run starts (child processes, services, temp directories) is registered
 * here and torn down on normal exit, on error, and on SIGINT/SIGTERM. Nothing a run
 * creates may outlive it.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

interface Resource {
  name: string;
  /** Graceful release; awaited on a normal end. */
  release(): Promise<void>;
  /** Last resort, synchronous: used from the `exit` handler. */
  kill(): void;
}

const resources = new Set<Resource>();
let installed = false;
let interruptHandler: ((signal: NodeJS.Signals) => void) | undefined;
let interrupted = false;

/** True once SIGINT/SIGTERM/SIGHUP arrived: errors after that are the interrupt's echo. */
export function wasInterrupted(): boolean {
  return interrupted;
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => {
    for (const resource of resources) {
      try {
        resource.kill();
      } catch {
        // best effort: the process is exiting
      }
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      if (interruptHandler) interruptHandler(signal);
      else void releaseAll().finally(() => process.exit(130));
    });
  }
}

/** The CLI decides what an interrupt prints; the registry guarantees the cleanup. */
export function onInterrupt(handler: (signal: NodeJS.Signals) => void): void {
  install();
  interruptHandler = handler;
}

export function own(resource: Resource): () => Promise<void> {
  install();
  resources.add(resource);
  return async () => {
    if (!resources.delete(resource)) return;
    await resource.release();
  };
}

export function ownChild(child: ChildProcess, name: string): () => Promise<void> {
  return own({
    name,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    release: () => stopChild(child),
  });
}

export function ownTempDir(dir: string): () => Promise<void> {
  return own({
    name: dir,
    kill: () => rmSync(dir, { recursive: true, force: true }),
    release: async () => rmSync(dir, { recursive: true, force: true }),
  });
}

/** SIGTERM, then SIGKILL if the child has not exited within `graceMs`. */
export function stopChild(child: ChildProcess, graceMs = 2000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function releaseAll(): Promise<void> {
  const pending = [...resources];
  resources.clear();
  await Promise.allSettled(pending.map((resource) => resource.release()));
}

export function ownedCount(): number {
  return resources.size;
}
