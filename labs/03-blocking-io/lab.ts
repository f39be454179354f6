import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defineLab } from '../../src/lab/define.js';

// Deterministic text, the same bytes on every run: this line, repeated.
const LINE = 'All work and no play makes Jack a dull boy.\n';

export default defineLab({
  day: 3,
  slug: 'blocking-io',
  title: 'Blocking I/O: readFileSync in a handler makes every request wait',
  claim: '`readFileSync` in a handler stalls every other request while it reads; `fs.promises.readFile` lets them through.',
  variants: {
    'read-file-sync': {
      file: 'variants/read-file-sync.js',
      summary: 'fs.readFileSync of the big file, on the event loop',
      env: { FILE_NAME: 'big.txt' },
    },
    'read-file-async': {
      file: 'variants/read-file-async.js',
      summary: "fs.promises.readFile of the big file, on libuv's thread pool",
      env: { FILE_NAME: 'big.txt' },
    },
    'read-file-sync-tiny': {
      file: 'variants/read-file-sync.js',
      summary: 'fs.readFileSync of the tiny file',
      env: { FILE_NAME: 'tiny.txt' },
    },
    'read-file-async-tiny': {
      file: 'variants/read-file-async.js',
      summary: 'fs.promises.readFile of the tiny file',
      env: { FILE_NAME: 'tiny.txt' },
    },
  },
  params: {
    fileKb: {
      env: 'BIG_FILE_KB',
      default: 4096,
      min: 1,
      max: 65_536,
      summary: 'size of the big file in KB (4096 = 4 MB)',
    },
    tinyFileKb: {
      env: 'TINY_FILE_KB',
      default: 4,
      min: 1,
      max: 65_536,
      summary: 'size of the tiny file in KB',
    },
  },
  async setup({ tempDir, params }) {
    await writeFile(join(tempDir, 'big.txt'), Buffer.alloc(params.fileKb! * 1024, LINE));
    await writeFile(join(tempDir, 'tiny.txt'), Buffer.alloc(params.tinyFileKb! * 1024, LINE));
    return { DATA_DIR: tempDir };
  },
  workload: {
    path: '/file',
    readyPath: '/ping',
    side: { path: '/ping', ratePerSec: 100 },
    // 20 connections: enough requests queue behind each synchronous read for the pile-up to
    // stand clear of a shared 2-core machine's noise. 4 variants × 3 rounds of 2 s: ~30 s quick, ~31 s default.
    sizing: { durationSec: 2, warmupRequests: 20, rounds: 3, connections: [20] },
    quick: { durationSec: 2, warmupRequests: 10, rounds: 3, connections: [20] },
  },
  report: {
    headline: 'sideLatencyP99Ms',
    columns: ['requestsPerSec', 'latencyP99Ms', 'sideLatencyP99Ms', 'eventLoopDelayP99Ms', 'eventLoopUtilization', 'serverCpuCores', 'generatorCpuCores'],
  },
  claims: [
    {
      kind: 'ratio',
      id: 'ping-p99-sync-vs-async',
      statement: 'A /ping that reads nothing waits behind every readFileSync queued ahead of it; behind fs.promises.readFile, far less.',
      metric: 'sideLatencyP99Ms',
      numerator: 'read-file-sync',
      denominator: 'read-file-async',
      atLeast: 1.25,
    },
  ],
  measures: [
    {
      id: 'throughput-sync-vs-async',
      statement: 'Big-file /file throughput, sync over async: on a file in the page cache the sync read may match or beat the async one.',
      metric: 'requestsPerSec',
      numerator: 'read-file-sync',
      denominator: 'read-file-async',
    },
    {
      id: 'ping-p99-sync-vs-async-tiny',
      statement: 'The same /ping comparison with the tiny file: the gap shrinks when each read is short.',
      metric: 'sideLatencyP99Ms',
      numerator: 'read-file-sync-tiny',
      denominator: 'read-file-async-tiny',
    },
  ],
  takeaway:
    'A synchronous read holds the event loop for as long as the copy takes, and every request queued behind it waits that long too. ' +
    'Use fs.promises (or a stream) in handlers; keep readFileSync for startup, before the server listens.',
});
