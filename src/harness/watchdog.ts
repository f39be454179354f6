/**
 * devcap's watchdog: a tiny process that holds a pipe from devcap on its stdin. devcap
 * writes each process and temp dir it owns (and drops each it released) as JSON lines.
 * When the pipe closes, devcap is gone, however it died (SIGKILL and the OOM killer
 * included): the watchdog kills what is left (redis-server has no IPC channel to notice)
 * and removes the temp dirs, then exits.
 */
import { createInterface } from 'node:readline';
import { reap, type OwnedProcess } from './ownership.js';

const processes = new Map<number, OwnedProcess>();
const tempDirs = new Set<string>();

// Ctrl-C reaches the whole process group: the watchdog must outlive devcap's cleanup.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => {});

type Message = { add?: OwnedProcess; remove?: number; dir?: string; undir?: string };

createInterface({ input: process.stdin })
  .on('line', (line) => {
    try {
      const message = JSON.parse(line) as Message;
      if (message.add) processes.set(message.add.pid, message.add);
      if (message.remove !== undefined) processes.delete(message.remove);
      if (message.dir) tempDirs.add(message.dir);
      if (message.undir) tempDirs.delete(message.undir);
    } catch {
      // not ours
    }
  })
  .on('close', () => {
    reap([...processes.values()], [...tempDirs], true);
    process.exit(0);
  });
