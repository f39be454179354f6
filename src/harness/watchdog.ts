/**
 * devcap's watchdog: a tiny process that holds a pipe from devcap on its stdin. devcap
 * writes each process and temp dir it owns (and drops each it released) as JSON lines.
 * When the pipe closes, devcap is gone, however it died (SIGKILL and the OOM killer
 * included): the watchdog kills what is left (redis-server has no IPC channel to notice),
 * removes the temp dirs and deletes the run's keys in a Redis devcap did not start, then
 * exits.
 */
import { createInterface } from 'node:readline';
import { reap, type OwnedProcess } from './ownership.js';

const processes = new Map<number, OwnedProcess>();
const tempDirs = new Set<string>();
const redisKeys = new Map<string, string>();

// Ctrl-C reaches the whole process group: the watchdog must outlive devcap's cleanup.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => {});

type Message = { add?: OwnedProcess; remove?: number; dir?: string; undir?: string; keys?: { url: string; keyPrefix: string }; unkeys?: string };

createInterface({ input: process.stdin })
  .on('line', (line) => {
    try {
      const message = JSON.parse(line) as Message;
      if (message.add) processes.set(message.add.pid, message.add);
      if (message.remove !== undefined) processes.delete(message.remove);
      if (message.dir) tempDirs.add(message.dir);
      if (message.undir) tempDirs.delete(message.undir);
      if (message.keys) redisKeys.set(message.keys.keyPrefix, message.keys.url);
      if (message.unkeys) redisKeys.delete(message.unkeys);
    } catch {
      // not ours
    }
  })
  .on('close', async () => {
    reap([...processes.values()], [...tempDirs], true);
    if (redisKeys.size) {
      // Only when there are keys to delete: the Redis client is not loaded otherwise.
      const { deleteKeys } = await import('../infra/redis.js');
      await Promise.allSettled([...redisKeys].map(([keyPrefix, url]) => deleteKeys(url, keyPrefix, 2000)));
    }
    process.exit(0);
  });
