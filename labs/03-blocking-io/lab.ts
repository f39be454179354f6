import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defineLab } from 'devcap/lab';

// Deterministic text, the same bytes on every run: this line, repeated.
const LINE = 'All work and no play makes Jack a dull boy.\n';

export default defineLab({
  day: 3,
  slug: 'blocking-io',
  title: 'Blocking I/O: readFileSync in a handler makes every request wait',
  summary:
    '`readFileSync` vs `fs.promises.readFile` of a 16 MB and a 4 KB file: how much longer `/ping` waits behind the big synchronous read than behind the tiny one (a ratio of ratios), and which serves more files (on a cached file, often the blocking one)',
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
      default: 16_384,
      min: 1,
      max: 65_536,
      summary: 'size of the big file in KB (16384 = 16 MB)',
    },
    tinyFileKb: {
      env: 'TINY_FILE_KB',
      default: 4,
      min: 1,
      max: 65_536,
      summary: 'size of the tiny file in KB',
    },
  },
  // fs.promises.readFile holds the whole big file for every request in flight.
  estimateMemory: ({ fileKb, tinyFileKb }, connections) => ({
    bytes: connections * (fileKb! + tinyFileKb!) * 1024,
    why: `a ${fileKb} KB file read whole by each of ${connections} requests in flight`,
    lower: ['--connections', '--set fileKb'],
  }),
  async setup({ tempDir, params }) {
    await writeFile(join(tempDir, 'big.txt'), Buffer.alloc(params.fileKb! * 1024, LINE));
    await writeFile(join(tempDir, 'tiny.txt'), Buffer.alloc(params.tinyFileKb! * 1024, LINE));
    return { DATA_DIR: tempDir };
  },
  workload: {
    path: '/file',
    // The size of the file the variant reads, as the lab wrote it.
    requests: ({ variant, params }) => [{ path: '/file', expect: { json: { bytes: (variant.endsWith('-tiny') ? params.tinyFileKb! : params.fileKb!) * 1024 } } }],
    readyPath: '/ping',
    side: { path: '/ping', ratePerSec: 100, expectBody: 'pong' },
    // 20 connections: enough requests queue behind each synchronous read for the pile-up to
    // stand clear of a shared 2-core machine's noise. 4 variants × 5 rounds of 2 s.
    // 5 rounds: at 3, one round disturbed by other work on a shared machine left the ratio of
    // ratios at 12× with a 95% interval of 1.55×–96× (inconclusive) in a CI run.
    sizing: { durationSec: 2, warmupRequests: 20, rounds: 5, connections: [20] },
    // Quick: rounds of 1 s, at most 5. Both effects are far past their 3× (ratio of ratios
    // 9–18×, CPU per request 15–60×), and the big-file sync /ping p50 of a 1 s load stays on
    // the pile-up (310–570 ms): in 2 s loads it fell into two modes (~100 and ~800 ms) from
    // round to round, so the claim was never decided before the cap.
    quick: { durationSec: 1, warmupRequests: 10, rounds: 5, connections: [20] },
  },
  report: {
    headline: 'sideLatencyP50Ms',
    columns: ['requestsPerSec', 'sideLatencyP50Ms', 'sideLatencyP99Ms', 'eventLoopDelayP99Ms', 'eventLoopUtilization', 'serverCpuCores', 'serverCpuMsPerRequest', 'generatorCpuCores'],
  },
  controls: {
    'read-file-async-as-sync': {
      file: 'controls/read-file-async-as-sync.js',
      replaces: 'read-file-sync',
      summary: 'fs.promises.readFile of the big file in the place of readFileSync: the read leaves the event loop',
      rejects: ['sync-read-blocks-for-as-long-as-it-reads'],
    },
    'unawaited-read-as-async': {
      file: 'controls/unawaited-read-as-async.js',
      replaces: 'read-file-async',
      summary: 'fs.promises.readFile without await: answers {} at once while the read runs on',
      rejects: ['sync-read-blocks-for-as-long-as-it-reads'],
      expect: 'invalid',
    },
    'size-cached-after-first-read-as-async': {
      file: 'controls/size-cached-after-first-read-as-async.js',
      replaces: 'read-file-async',
      summary: "the first read's size kept and answered to every request after it, in the place of read-file-async",
      rejects: ['async-still-reads-the-file'],
    },
  },
  claims: [
    // Judged beside the tiny file: any synchronous handler delays a /ping a little (it does
    // not yield between queued requests), so the lesson is that the wait grows with the read.
    {
      kind: 'ratio',
      id: 'sync-read-blocks-for-as-long-as-it-reads',
      statement:
        'A /ping waits behind every readFileSync queued ahead of it, for as long as the reads take: sync over async is several times ' +
        'worse with the big file than with the tiny one.',
      metric: 'sideLatencyP50Ms',
      numerator: 'read-file-sync',
      denominator: 'read-file-async',
      relativeTo: { numerator: 'read-file-sync-tiny', denominator: 'read-file-async-tiny' },
      atLeast: 3,
    },
    // The answer is only the file's size, which stat gives without reading (and a size read
    // once at start gives for ever): the read itself has to show, in the server's CPU.
    {
      kind: 'ratio',
      id: 'async-still-reads-the-file',
      statement: 'fs.promises.readFile still reads the whole file on every request: a big-file request costs the server at least 3× the CPU of a tiny-file one.',
      metric: 'serverCpuMsPerRequest',
      numerator: 'read-file-async',
      denominator: 'read-file-async-tiny',
      atLeast: 3,
    },
  ],
  measures: [
    {
      id: 'ping-p50-sync-vs-async',
      statement: 'The median /ping beside big-file reads, sync over async.',
      metric: 'sideLatencyP50Ms',
      numerator: 'read-file-sync',
      denominator: 'read-file-async',
    },
    {
      id: 'ping-p50-sync-vs-async-tiny',
      statement: 'The median /ping beside tiny-file reads, sync over async: a synchronous handler alone costs this much.',
      metric: 'sideLatencyP50Ms',
      numerator: 'read-file-sync-tiny',
      denominator: 'read-file-async-tiny',
    },
    {
      id: 'throughput-sync-vs-async',
      statement: 'Big-file /file throughput, sync over async: on a file in the page cache the sync read may match or beat the async one.',
      metric: 'requestsPerSec',
      numerator: 'read-file-sync',
      denominator: 'read-file-async',
    },
  ],
  // The README's `## Exercise` states the task; exercise/wrong/ holds wrong solutions a class hands in.
  exercise: {
    start: 'read-file-sync',
    replaces: ['read-file-async', 'read-file-async-tiny'],
    claims: ['sync-read-blocks-for-as-long-as-it-reads', 'async-still-reads-the-file'],
    hint: '/ping still waits while the big file is read, or the file is no longer read: the read has to leave the event loop, and every request still has to read the file. Is readFileSync still in the handler (or in a callback or Promise around it), or does the size come from somewhere else?',
  },
  takeaway:
    'A synchronous read holds the event loop for as long as the copy takes, and every request queued behind it waits that long too. ' +
    'Use fs.promises (or a stream) in handlers; keep readFileSync for startup, before the server listens.',
});
