import os from 'node:os';
import type { Environment } from '../report/result.js';

/** What a reader needs to judge the numbers: the machine and how busy it was. */
export function fingerprint(): Environment {
  const cpus = os.cpus();
  const load = os.loadavg();
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    osRelease: os.release(),
    cpuCount: os.availableParallelism?.() ?? cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    loadAverage: [round2(load[0]!), round2(load[1]!), round2(load[2]!)],
    totalMemoryBytes: os.totalmem(),
    uvThreadpoolSize: threadpoolSize(),
    redis: null,
  };
}

/** libuv's default is 4; UV_THREADPOOL_SIZE changes it for the variants we start. */
export function threadpoolSize(): number {
  const value = Number(process.env.UV_THREADPOOL_SIZE);
  return Number.isInteger(value) && value > 0 ? Math.min(value, 1024) : 4;
}

const round2 = (value: number) => Math.round(value * 100) / 100;
