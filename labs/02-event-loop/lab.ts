import { pbkdf2Sync } from 'node:crypto';
import { defineLab } from 'devcap/lab';

const PASSWORD = 'correct horse battery staple';

export default defineLab({
  day: 2,
  slug: 'event-loop',
  title: 'The event loop: one thread, many clients, until something blocks it',
  summary:
    'a ~25 ms pbkdf2 hash done synchronously, on libuv\'s thread pool, and in worker threads: `/ping` p99 and event-loop delay under each, throughput against the model `1000 / workMs`',
  claim: 'One thread serves many clients as long as nothing blocks it; CPU work in a handler freezes everyone.',
  variants: {
    'pbkdf2-sync': { file: 'variants/pbkdf2-sync.js', summary: 'crypto.pbkdf2Sync on the event loop' },
    'pbkdf2-async': { file: 'variants/pbkdf2-async.js', summary: "crypto.pbkdf2 on libuv's thread pool" },
    'worker-pool': { file: 'variants/worker-pool.js', summary: 'pbkdf2Sync inside a worker_threads pool (piscina)' },
  },
  params: {
    iterations: {
      env: 'PBKDF2_ITERATIONS',
      default: 60_000,
      min: 1_000,
      max: 2_000_000,
      summary: 'pbkdf2 iterations per /work request (60,000 ≈ 25 ms of CPU on a 2020s server core)',
    },
  },
  workload: {
    path: '/work',
    // The hex of the hash of the fixed input, computed once per run: a server that answers at
    // once without hashing is fast and wrong, and the run says so (invalid).
    requests: ({ params }) => [{ path: '/work', expect: { body: pbkdf2Sync(PASSWORD, 'salt', params.iterations!, 64, 'sha512').toString('hex') } }],
    readyPath: '/ping',
    side: { path: '/ping', ratePerSec: 100, expectBody: 'pong' },
    // 6 rounds of 2 s after a warm-up of 10 hashes, as in a quick run: 7 rounds after 20 took
    // 67 s, and 6 after 20 still 60 s from a fresh clone, past the minute a default run should take.
    sizing: { durationSec: 2, warmupRequests: 10, rounds: 6, connections: [10] },
    // Two seconds, not one: an offloaded variant's /ping p99 is one of its few worst pings, and
    // with ~100 pings a scheduler hiccup decides it; ~200 pings keep the verdict steady.
    // A cap of 11 rounds, not 7: the model claim for pbkdf2-sync (its req/s against the
    // model's, band 0.70–1.30) measured 0.97× and 0.93× but stayed inconclusive at 7 rounds
    // twice on a busy 2-core VM (98.3% CI 0.71–1.31, 0.69–1.25). A run stops as soon as every
    // claim is decided, so a clear run still ends at 3 or 5.
    quick: { durationSec: 1, warmupRequests: 10, rounds: 11, connections: [10] },
  },
  report: {
    headline: 'sideLatencyP50Ms',
    columns: ['requestsPerSec', 'sideLatencyP50Ms', 'sideLatencyP99Ms', 'eventLoopDelayP99Ms', 'eventLoopUtilization', 'serverCpuCores', 'serverCpuMsPerRequest'],
  },
  controls: {
    'worker-pool-as-sync': {
      file: 'controls/worker-pool-as-sync.js',
      replaces: 'pbkdf2-sync',
      summary: 'the worker-pool server in the place of pbkdf2-sync: nothing blocks the event loop',
      rejects: ['ping-p50-sync-vs-async', 'ping-p50-sync-vs-workers', 'loop-delay-sync-vs-async', 'loop-delay-sync-vs-workers'],
    },
    'pbkdf2-sync-twice': {
      file: 'controls/pbkdf2-sync-twice.js',
      replaces: 'pbkdf2-sync',
      summary: 'the synchronous server hashing twice per request: half what the model predicts',
      rejects: ['sync-throughput-is-one-core'],
    },
    'thousand-iterations-as-async': {
      file: 'controls/thousand-iterations-as-async.js',
      replaces: 'pbkdf2-async',
      summary: 'crypto.pbkdf2 with 1,000 iterations written in, in the place of pbkdf2-async: quick, and the wrong hash',
      rejects: ['ping-p50-sync-vs-async', 'loop-delay-sync-vs-async'],
      expect: 'invalid',
    },
    'hash-cached-after-first-as-async': {
      file: 'controls/hash-cached-after-first-as-async.js',
      replaces: 'pbkdf2-async',
      summary: 'the first hash kept and sent to every request after it, in the place of pbkdf2-async',
      rejects: ['async-still-hashes'],
    },
  },
  claims: [
    // The median /ping, not its p99: a p99 of a healthy server on a shared 2-core VM measures
    // the VM's scheduler, and a claim must be able to fail on a healthy server too.
    {
      kind: 'ratio',
      id: 'ping-p50-sync-vs-async',
      statement: 'A /ping that does no work waits behind the synchronous hash, but not behind the thread-pool one.',
      metric: 'sideLatencyP50Ms',
      numerator: 'pbkdf2-sync',
      denominator: 'pbkdf2-async',
      atLeast: 10,
    },
    {
      kind: 'ratio',
      id: 'ping-p50-sync-vs-workers',
      statement: 'A /ping waits behind the synchronous hash, but not behind the worker-thread one.',
      metric: 'sideLatencyP50Ms',
      numerator: 'pbkdf2-sync',
      denominator: 'worker-pool',
      atLeast: 10,
    },
    {
      kind: 'ratio',
      id: 'loop-delay-sync-vs-async',
      statement: 'The event loop itself stalls under the synchronous hash and stays free with the thread pool.',
      metric: 'eventLoopDelayP99Ms',
      numerator: 'pbkdf2-sync',
      denominator: 'pbkdf2-async',
      atLeast: 3,
    },
    {
      kind: 'ratio',
      id: 'loop-delay-sync-vs-workers',
      statement: 'The event loop itself stalls under the synchronous hash and stays free with worker threads.',
      metric: 'eventLoopDelayP99Ms',
      numerator: 'pbkdf2-sync',
      denominator: 'worker-pool',
      atLeast: 3,
    },
    {
      kind: 'model',
      id: 'sync-throughput-is-one-core',
      statement: 'The synchronous server serves about 1000 / workMs requests a second: one hash at a time, on one thread.',
      metric: 'requestsPerSec',
      variant: 'pbkdf2-sync',
      within: [0.7, 1.3],
    },
    // Offloading moves the hash, it does not remove it: a server that answers from a hash
    // computed once at start is right and never blocks, and spends next to no CPU per request.
    // Beside the blocking server, not the model: on two shared cores, four pool threads and
    // the load generator stretch a hash's CPU time well past what a calibration alone takes
    // (1.29×–1.68× of it in one busy quick run), and the blocking server pays the same stretch.
    {
      kind: 'ratio',
      id: 'async-still-hashes',
      statement: 'The thread-pool server still computes a hash per request: it spends at least half the CPU per request of the blocking one.',
      metric: 'serverCpuMsPerRequest',
      numerator: 'pbkdf2-async',
      denominator: 'pbkdf2-sync',
      atLeast: 0.5,
    },
  ],
  measures: [
    {
      id: 'throughput-async-vs-sync',
      statement: 'What offloading buys in /work throughput on this machine (bounded by its cores).',
      metric: 'requestsPerSec',
      numerator: 'pbkdf2-async',
      denominator: 'pbkdf2-sync',
    },
    {
      id: 'ping-p99-sync-vs-async',
      statement: 'The slowest /ping answers (p99), synchronous hash against the thread pool.',
      metric: 'sideLatencyP99Ms',
      numerator: 'pbkdf2-sync',
      denominator: 'pbkdf2-async',
    },
    {
      id: 'throughput-workers-vs-sync',
      statement: 'What a worker pool buys in /work throughput on this machine.',
      metric: 'requestsPerSec',
      numerator: 'worker-pool',
      denominator: 'pbkdf2-sync',
    },
  ],
  calibrate({ iterations }) {
    const times: number[] = [];
    pbkdf2Sync(PASSWORD, 'salt', iterations!, 64, 'sha512');
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      pbkdf2Sync(PASSWORD, 'salt', iterations!, 64, 'sha512');
      times.push(performance.now() - start);
    }
    // The median, not the quickest: the load will meet the same contention for the cores
    // as the typical hash now, not the luckiest one.
    times.sort((a, b) => a - b);
    return { workMs: times[times.length >> 1]! };
  },
  // Before and after each load: on a shared VM the same hash took from 1.15× below to 1.5×
  // above what one calibration before the load predicted, round by round.
  calibrateAround: true,
  model: {
    statement:
      'One request costs workMs of CPU. On the event loop they run one at a time: at most 1000 / workMs req/s. ' +
      'Offloaded, min(threads, cores) run at once; the load generator shares those cores, so expect less.',
    predict({ calibration, cpuCount, threadpoolSize }) {
      const workMs = calibration.workMs!;
      const perCore = 1000 / workMs;
      const fmt = workMs.toFixed(1);
      return [
        { variant: 'pbkdf2-sync', metric: 'requestsPerSec', value: perCore, reasoning: `1000 / ${fmt} ms` },
        {
          variant: 'pbkdf2-async',
          metric: 'requestsPerSec',
          value: Math.min(threadpoolSize, cpuCount) * perCore,
          reasoning: `min(${threadpoolSize} pool threads, ${cpuCount} cores) × 1000 / ${fmt} ms`,
        },
        {
          variant: 'worker-pool',
          metric: 'requestsPerSec',
          value: cpuCount * perCore,
          reasoning: `${cpuCount} workers × 1000 / ${fmt} ms`,
        },
      ];
    },
  },
  // The README's `## Exercise` states the task; exercise/wrong/ holds wrong solutions a class hands in.
  exercise: {
    start: 'pbkdf2-sync',
    replaces: ['pbkdf2-async'],
    claims: ['ping-p50-sync-vs-async', 'async-still-hashes'],
    rounds: 8,
    hint: 'your /ping still waits behind the hash, or no hash is computed per request: its p50 has to be a tenth of the blocking server\'s or less, and each /work still has to cost a hash\'s CPU, off the event loop. Is pbkdf2Sync still running on the event loop, or was the hash computed once?',
  },
  takeaway:
    'Keep the event loop for coordinating: anything that computes for milliseconds belongs on the thread pool ' +
    '(async APIs) or in worker threads. The gain in throughput is capped by your cores; the gain in responsiveness is not.',
});
