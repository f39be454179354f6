/**
 * Everything a run starts (child processes, services, temp directories) is registered
 * here and torn down on normal exit, on error, and on SIGINT/SIGTERM/SIGHUP. Nothing a
 * run creates may outlive it, even when devcap is killed outright: each process and temp
 * dir is also written to the run's record in the state directory (swept by the next run)
 * and handed to a watchdog process that removes them the moment devcap's pipe closes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { commandLine, removeTempDir, writeRecord, type OwnedProcess, type RunRecord } from './ownership.js';

interface Resource {
  name: string;
  /** Graceful release; awaited on a normal end. */
  release(): Promise<void>;
  /** Last resort, synchronous: used from the `exit` handler and on a second Ctrl-C. */
  kill(): void;
  /** For the watchdog and the run record. */
  process?: OwnedProcess;
  tempDir?: string;
  /** Keys of the run in a Redis devcap did not start, for the watchdog to delete. */
  redisKeys?: { url: string; keyPrefix: string };
}

/** The exit status after each signal, as a shell reports it: 128 + the signal number. */
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type HandledSignal = keyof typeof SIGNAL_EXIT_CODES;

/** How long a first signal's cleanup may take before everything is killed at once. */
const CLEANUP_DEADLINE_MS = 10_000;
const WATCHDOG = fileURLToPath(new URL('./watchdog.js', import.meta.url));

const resources = new Set<Resource>();
let installed = false;
let interruptHandler: ((signal: NodeJS.Signals) => void) | undefined;
let interrupted: HandledSignal | undefined;
let watchdog: ChildProcess | undefined;
let recordFile: string | undefined;
const record: RunRecord = { pid: process.pid, signature: commandLine(process.pid) ?? process.argv.join(' '), startedAt: new Date().toISOString(), processes: [], tempDirs: [] };

/** True once SIGINT/SIGTERM/SIGHUP arrived: errors after that are the interrupt's echo. */
export function wasInterrupted(): boolean {
  return interrupted !== undefined;
}

/** Kills every owned process and removes every temp dir now, synchronously. */
export function killAllNow(): number {
  const count = resources.size;
  for (const resource of resources) {
    try {
      resource.kill();
    } catch {
      // best effort: we are on our way out
    }
  }
  resources.clear();
  return count;
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => {
    killAllNow();
    if (recordFile) rmSync(recordFile, { force: true });
  });
  for (const signal of Object.keys(SIGNAL_EXIT_CODES) as HandledSignal[]) {
    process.on(signal, () => {
      if (interrupted) {
        // A second Ctrl-C: no more waiting for graceful stops.
        const count = killAllNow();
        process.stderr.write(`\ndevcap: ${signal} again; killed ${count} process${count === 1 ? '' : 'es'} at once\n`);
        process.exit(SIGNAL_EXIT_CODES[interrupted]);
      }
      interrupted = signal;
      quietTeardown();
      // Kept referenced: the process must end by this exit, never by an empty event loop (code 0).
      setTimeout(() => {
        killAllNow();
        process.exit(SIGNAL_EXIT_CODES[signal]);
      }, CLEANUP_DEADLINE_MS);
      if (interruptHandler) interruptHandler(signal);
      else void releaseAll().finally(() => process.exit(SIGNAL_EXIT_CODES[signal]));
    });
  }
}

/**
 * What is torn down is not the user's business. Children's output is captured (never
 * inherited); in devcap's own process, a library a lab uses there (a BullMQ queue counting
 * jobs) reports the connection its Redis just lost with console.error, a raw stack trace.
 * devcap writes its own lines with process.stderr.write, so from the interrupt on, console
 * is silent.
 */
export function quietTeardown(): void {
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) console[method] = () => {};
}

/** The CLI decides what an interrupt prints; the registry guarantees the cleanup. */
export function onInterrupt(handler: (signal: NodeJS.Signals) => void): void {
  install();
  interruptHandler = handler;
}

export function exitCodeFor(signal: NodeJS.Signals): number {
  return SIGNAL_EXIT_CODES[signal as HandledSignal] ?? SIGNAL_EXIT_CODES.SIGINT;
}

/** Started with the first thing owned; its stdin is a pipe that closes only when devcap is gone. */
function tellWatchdog(message: object): void {
  if (!watchdog) {
    watchdog = spawn(process.execPath, [WATCHDOG], { stdio: ['pipe', 'ignore', 'ignore'] });
    watchdog.on('error', () => {});
    watchdog.stdin!.on('error', () => {});
    watchdog.unref();
    (watchdog.stdin as unknown as { unref?(): void }).unref?.();
  }
  watchdog.stdin!.write(JSON.stringify(message) + '\n');
}

function saveRecord(): void {
  record.processes = [...resources].flatMap((resource) => (resource.process ? [resource.process] : []));
  record.tempDirs = [...resources].flatMap((resource) => (resource.tempDir ? [resource.tempDir] : []));
  try {
    recordFile = writeRecord(record);
  } catch {
    // An unwritable state directory costs the sweep, not the run; the watchdog still holds on.
  }
}

export function own(resource: Resource): () => Promise<void> {
  install();
  resources.add(resource);
  const tracked = resource.process !== undefined || resource.tempDir !== undefined;
  if (resource.process) tellWatchdog({ add: resource.process });
  if (resource.tempDir) tellWatchdog({ dir: resource.tempDir });
  if (resource.redisKeys) tellWatchdog({ keys: resource.redisKeys });
  if (tracked) saveRecord();
  return async () => {
    if (!resources.delete(resource)) return;
    await resource.release();
    if (resource.process) tellWatchdog({ remove: resource.process.pid });
    if (resource.tempDir) tellWatchdog({ undir: resource.tempDir });
    if (resource.redisKeys) tellWatchdog({ unkeys: resource.redisKeys.keyPrefix });
    if (tracked) saveRecord();
  };
}

/**
 * `signatures`: the command lines the child may show besides the one it was spawned with
 * (redis-server retitles itself `redis-server 127.0.0.1:PORT`).
 */
export function ownChild(child: ChildProcess, name: string, signatures: string[] = []): () => Promise<void> {
  return own({
    name,
    process: child.pid ? { pid: child.pid, signatures: [child.spawnargs.filter(Boolean).join(' '), ...signatures] } : undefined,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    release: () => stopChild(child),
  });
}

export function ownTempDir(dir: string): () => Promise<void> {
  return own({
    name: dir,
    tempDir: dir,
    kill: () => removeTempDir(dir),
    release: async () => removeTempDir(dir),
  });
}

/**
 * SIGTERM (or `signal`), then SIGKILL if the child has not exited within `graceMs`: 2 s on a normal end,
 * 0.5 s once the user asked devcap to stop (a server stuck in a synchronous hash cannot
 * answer SIGTERM, and Ctrl-C should feel immediate).
 */
export function stopChild(child: ChildProcess, graceMs = interrupted ? 500 : 2000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

export async function releaseAll(): Promise<void> {
  const pending = [...resources];
  resources.clear();
  await Promise.allSettled(pending.map((resource) => resource.release()));
  if (pending.some((resource) => resource.process || resource.tempDir)) saveRecord();
  await closeWatchdog();
}

/**
 * With nothing left to guard, the watchdog is told to go (its pipe closes) and awaited
 * briefly, so that when devcap exits, no process of the run is left, the watchdog included.
 */
async function closeWatchdog(waitMs = 1000): Promise<void> {
  const closing = watchdog;
  if (!closing || resources.size) return;
  watchdog = undefined;
  if (closing.exitCode !== null || closing.signalCode !== null) return;
  // Referenced while we wait, or an otherwise empty event loop would end devcap first.
  closing.ref();
  await new Promise<void>((resolve) => {
    // Everything it guarded is already released: a watchdog still starting up (a busy
    // machine can take longer than the wait) has nothing left to do, and is stopped outright.
    let timer = setTimeout(() => {
      closing.kill('SIGKILL');
      timer = setTimeout(resolve, 500);
    }, waitMs);
    closing.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    closing.stdin!.end();
  });
}

export function ownedCount(): number {
  return resources.size;
}
