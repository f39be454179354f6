import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { defineLab, OwnedServer, ownProcess, ScriptFailed, SpawnFailed, timeToFirstByte } from 'devcap/lab';

const MiB = 1024 * 1024;
/** fs.createReadStream's default chunk size (its highWaterMark). */
const CHUNK_BYTES = 64 * 1024;
/** Every line of the data file is this long, newline included. */
const LINE_BYTES = 64;
const LINES_PER_BLOCK = 10_000;
/** The slow client takes one chunk off its socket, then waits this long before the next… */
const SLOW_READ_PAUSE_MS = 100;
/**
 * …for this long, then hangs up. 0.4 s, not 1 s: the backpressure-ignoring server has read and
 * queued the whole 64 MiB (68.8 MB of growth) well within it, the pipeline's growth stays a few
 * MiB either way, and the lab's drive takes 8.7 s instead of 14.2 s in a quick run.
 */
const SLOW_CLIENT_MS = 400;
/** RSS moves by a few hundred KiB on its own (allocator, GC): growth below this counts as this. */
const GROWTH_FLOOR_BYTES = 1 * MiB;
/** GETs per run for the time to first byte; the quickest counts. */
const TTFB_SAMPLES = 7;
/** `/` answers 404 without touching the file: that answer means a server is up. */
const READY_PATH = '/';
const READY_STATUS = 404;

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const REPORT_USAGE = here('./measure/report-usage.js');

const VARIANTS = {
  buffered: { file: 'variants/buffered.js', summary: 'fs.promises.readFile, then res.end(data)' },
  'stream-pipeline': { file: 'variants/stream-pipeline.js', summary: "pipeline(createReadStream(path), res) from 'node:stream/promises'" },
  'write-ignoring-backpressure': {
    file: 'variants/write-ignoring-backpressure.js',
    summary: "on('data', chunk => res.write(chunk)), write()'s return value ignored",
  },
};
type VariantName = keyof typeof VARIANTS;

/** The scripts are no servers: each runs once per round, beside the server that uses the same technique. */
const COUNT_LINES_SCRIPT: Partial<Record<VariantName, string>> = {
  buffered: 'scripts/count-lines-buffered.js',
  'stream-pipeline': 'scripts/count-lines-readline.js',
};

export default defineLab({
  day: 5,
  slug: 'streams',
  title: 'Streams: a big file, a chunk at a time',
  summary:
    'a 64 MiB file served buffered, through `pipeline()`, and with `write()` ignoring backpressure: peak RSS, time to first byte, a slow client; counting lines with `readFile` vs `readline`',
  claim: 'Buffering a whole file costs memory per request; streaming costs a chunk.',
  variants: VARIANTS,
  params: {
    fileMb: {
      env: 'BIG_FILE_MB',
      default: 64,
      min: 8,
      max: 256,
      summary: 'size of the text file every variant serves and the scripts count, in MiB (64-byte lines)',
    },
  },
  // The buffered variant holds the whole file for every request in flight (and the
  // backpressure-ignoring one queues it in memory); the slow client and the readFile line
  // count hold one more copy each.
  estimateMemory: ({ fileMb }, connections) => ({
    bytes: (connections + 2) * fileMb! * MiB,
    why: `a ${fileMb} MiB file buffered per request at ${connections} connections, plus two more copies`,
    lower: ['--connections', '--set fileMb'],
  }),
  async setup({ tempDir, params }) {
    const path = join(tempDir, 'big.txt');
    await writeTextFile(path, params.fileMb! * MiB);
    return { BIG_FILE: path };
  },
  workload: {
    path: '/file',
    // The whole file, byte for byte: every download's size is counted, and one in four is
    // hashed as it streams (hashing every 64 MiB answer would make the generator the limit).
    requests: async ({ env, params }) => [{ path: '/file', expect: { bytes: params.fileMb! * MiB, sha256: await sha256Of(env.BIG_FILE!) } }],
    checkEvery: 4,
    readyPath: READY_PATH,
    readyStatus: READY_STATUS,
    // No warm-up: memory, not speed, is measured. The download client discards bodies as
    // they arrive; autocannon would keep each 64 MiB answer as a string and set the pace.
    client: 'download',
    sizing: { durationSec: 2, warmupRequests: 0, rounds: 3, connections: [4] },
    quick: { durationSec: 1, warmupRequests: 0, rounds: 3, connections: [4] },
  },
  metrics: {
    // Below 5 ms a first byte came "at once" as far as this lesson goes: on a busy shared
    // machine the scheduler alone moves it by milliseconds, and the buffered variant's
    // first byte waits for the whole file (tens of ms and up).
    ttfbMs: { label: 'TTFB', unit: 'ms', better: 'lower', source: 'drive', floor: 5 },
    slowClientRssGrowthBytes: { label: 'slow client: RSS growth', unit: 'bytes', better: 'lower', source: 'drive' },
    countLinesRssPeakBytes: { label: 'count lines: peak RSS', unit: 'bytes', better: 'lower', source: 'script' },
    countLinesMs: { label: 'count lines: time', unit: 'ms', better: 'lower', source: 'script' },
  },
  async drive({ variant, file, connections, params, env }) {
    // A fresh process of the same variant, not the one just loaded: memory freed after the
    // load stays with the allocator and would be reused, hiding the growth we look for.
    const server = await OwnedServer.start({
      name: `streams/${variant} (slow client)`,
      file,
      env: { ...env, BIG_FILE_MB: String(params.fileMb) },
      readyPath: READY_PATH,
      readyStatus: READY_STATUS,
    });
    let slowClientRssGrowthBytes: number;
    let ttfbMs: number;
    try {
      slowClientRssGrowthBytes = await slowClientGrowth(server, SLOW_CLIENT_MS);
      // The quickest of a few GETs: on a shared machine, the scheduler only ever adds time.
      ttfbMs = Infinity;
      for (let i = 0; i < TTFB_SAMPLES; i++) ttfbMs = Math.min(ttfbMs, await timeToFirstByte(server.port, '/file'));
    } finally {
      await server.stop();
    }
    const script = COUNT_LINES_SCRIPT[variant as VariantName];
    if (!script) return { ttfbMs, slowClientRssGrowthBytes };
    const usage = await runScript(script, env.BIG_FILE!, (params.fileMb! * MiB) / LINE_BYTES);
    return { ttfbMs, slowClientRssGrowthBytes, countLinesRssPeakBytes: usage.maxRssBytes, countLinesMs: usage.wallMs };
  },
  report: {
    headline: 'rssPeakBytes',
    // No req/s: a 64 MiB download takes seconds here, and the load generator, not the server, sets the pace.
    columns: ['rssPeakBytes', 'ttfbMs', 'slowClientRssGrowthBytes', 'countLinesRssPeakBytes', 'countLinesMs'],
  },
  controls: {
    'pipeline-as-buffered': {
      file: 'controls/pipeline-as-buffered.js',
      replaces: 'buffered',
      summary: 'pipeline() in the place of the buffered server',
      rejects: ['rss-buffered-vs-pipeline', 'ttfb-buffered-vs-pipeline'],
    },
    'pipeline-as-ignoring-backpressure': {
      file: 'controls/pipeline-as-ignoring-backpressure.js',
      replaces: 'write-ignoring-backpressure',
      summary: 'pipeline() in the place of write() ignoring backpressure',
      rejects: ['slow-client-ignoring-vs-pipeline'],
    },
    'first-chunk-as-pipeline': {
      file: 'controls/first-chunk-as-pipeline.js',
      replaces: 'stream-pipeline',
      summary: "the download ends with the stream's first 64 KiB chunk, in the place of stream-pipeline",
      rejects: ['rss-buffered-vs-pipeline', 'ttfb-buffered-vs-pipeline', 'slow-client-ignoring-vs-pipeline'],
      expect: 'invalid',
    },
  },
  claims: [
    {
      kind: 'ratio',
      id: 'rss-buffered-vs-pipeline',
      statement: 'Under concurrent downloads, reading the whole file first takes far more memory than streaming it (a file per download).',
      metric: 'rssPeakBytes',
      numerator: 'buffered',
      denominator: 'stream-pipeline',
      atLeast: 1.5,
    },
    {
      kind: 'ratio',
      id: 'ttfb-buffered-vs-pipeline',
      statement: 'A streamed download starts sooner: the buffered one sends nothing until the whole file is read.',
      metric: 'ttfbMs',
      numerator: 'buffered',
      denominator: 'stream-pipeline',
      atLeast: 3,
    },
    {
      kind: 'ratio',
      id: 'slow-client-ignoring-vs-pipeline',
      statement: "With one slow client, ignoring write()'s return value piles the file up in memory; pipeline() stays flat.",
      metric: 'slowClientRssGrowthBytes',
      numerator: 'write-ignoring-backpressure',
      denominator: 'stream-pipeline',
      atLeast: 4,
    },
  ],
  measures: [
    {
      id: 'count-lines-rss-buffered-vs-readline',
      statement: 'Counting lines: readFile + split peaks at several times the memory of readline over a stream.',
      metric: 'countLinesRssPeakBytes',
      numerator: 'buffered',
      denominator: 'stream-pipeline',
    },
    {
      id: 'slow-client-buffered-vs-pipeline',
      statement: 'With one slow client, the buffered server holds the whole file for as long as the download lasts.',
      metric: 'slowClientRssGrowthBytes',
      numerator: 'buffered',
      denominator: 'stream-pipeline',
    },
    {
      id: 'rss-ignoring-vs-pipeline',
      statement: "Under the load generator (itself slower than the disk here), what ignoring backpressure costs in peak memory.",
      metric: 'rssPeakBytes',
      numerator: 'write-ignoring-backpressure',
      denominator: 'stream-pipeline',
    },
    {
      id: 'count-lines-time-buffered-vs-readline',
      statement: 'Counting lines: the time of readFile + split against readline (which is faster is not the lesson).',
      metric: 'countLinesMs',
      numerator: 'buffered',
      denominator: 'stream-pipeline',
    },
  ],
  async calibrate() {
    // An idle server's memory, measured the way the loads are: a fresh variant process, its probe.
    const server = await OwnedServer.start({
      name: 'streams/idle',
      file: here(VARIANTS['stream-pipeline'].file),
      env: {},
      readyPath: READY_PATH,
      readyStatus: READY_STATUS,
    });
    try {
      await server.probe('reset');
      const { rssPeakBytes } = await server.probe('read');
      return { idleRssMiB: rssPeakBytes / MiB };
    } finally {
      await server.stop();
    }
  },
  model: {
    statement:
      'A buffered download holds the whole file from the first read to the last byte sent: idle + file × downloads. ' +
      'A streamed one holds a chunk or so (64 KiB): idle + 64 KiB × downloads, plus chunks already sent that the GC ' +
      'has not collected yet. Ignoring backpressure holds whatever the client has not taken yet: up to the whole file ' +
      'per download, plus the same garbage.',
    predict({ params, calibration, connections }) {
      const idle = calibration.idleRssMiB! * MiB;
      const file = params.fileMb! * MiB;
      const n = connections;
      const idleText = `idle ${(idle / MiB).toFixed(0)} MiB`;
      return [
        { variant: 'buffered', metric: 'rssPeakBytes', value: idle + n * file, reasoning: `${idleText} + ${n} × ${params.fileMb} MiB` },
        { variant: 'stream-pipeline', metric: 'rssPeakBytes', value: idle + n * CHUNK_BYTES, reasoning: `${idleText} + ${n} × 64 KiB` },
        {
          variant: 'write-ignoring-backpressure',
          metric: 'rssPeakBytes',
          value: idle + n * file,
          reasoning: `${idleText} + ${n} × ${params.fileMb} MiB, once every client reads slower than the disk`,
        },
        { variant: 'buffered', metric: 'slowClientRssGrowthBytes', value: file, reasoning: 'the whole file, held until sent' },
        { variant: 'stream-pipeline', metric: 'slowClientRssGrowthBytes', value: CHUNK_BYTES, reasoning: 'one 64 KiB chunk in flight' },
        {
          variant: 'write-ignoring-backpressure',
          metric: 'slowClientRssGrowthBytes',
          value: file,
          reasoning: 'the whole file, read at disk speed and queued for a client that barely reads',
        },
      ];
    },
  },
  // The README's `## Exercise` states the task; exercise/wrong/ holds wrong solutions a class hands in.
  exercise: {
    start: 'buffered',
    replaces: ['stream-pipeline'],
    claims: ['rss-buffered-vs-pipeline', 'ttfb-buffered-vs-pipeline', 'slow-client-ignoring-vs-pipeline'],
    hint: 'memory still grows with the file, the first byte still waits for the last, or a slow client still makes the server pile the file up: the file has to flow to the client in chunks, and the next chunk has to wait until the client has taken the last. Is it still read whole before it is sent, or is write()\'s return value ignored?',
  },
  takeaway:
    'Serve and process big files as streams, and let pipeline() connect them: it moves a chunk at a time and waits ' +
    'for the slow side. readFile is fine for small files; for big ones its memory grows with every concurrent request. ' +
    "A hand-written on('data') → write() loop that ignores write()'s return value streams in name only.",
});

/**
 * Writes `bytes` of numbered 64-byte text lines. One block of 10,000 lines is built once;
 * each copy only gets its block number stamped in, so 64 MiB take a fraction of a second.
 */
async function writeTextFile(path: string, bytes: number): Promise<void> {
  const text = ' a line of a big text file, read whole or streamed'.padEnd(LINE_BYTES - 10, '.');
  const template = Buffer.from(
    Array.from({ length: LINES_PER_BLOCK }, (_, line) => `00000${String(line).padStart(4, '0')}${text}\n`).join(''),
    'latin1',
  );
  function* blocks() {
    for (let block = 0, written = 0; written < bytes; block++) {
      const chunk = Buffer.from(template);
      const number = String(block).padStart(5, '0');
      for (let line = 0; line < LINES_PER_BLOCK; line++) chunk.write(number, line * LINE_BYTES, 'latin1');
      const size = Math.min(chunk.length, bytes - written);
      written += size;
      yield chunk.subarray(0, size);
    }
  }
  await pipeline(Readable.from(blocks()), createWriteStream(path));
}

/**
 * A client on a slow link: it takes one chunk off its socket every SLOW_READ_PAUSE_MS,
 * for `windowMs`, then hangs up. The server's own probe records its peak RSS meanwhile;
 * the result is the growth over its RSS just before the download.
 */
async function slowClientGrowth(server: OwnedServer, windowMs: number): Promise<number> {
  await server.probe('reset');
  const { rssPeakBytes: before } = await server.probe('read');
  await server.probe('reset');
  const req = request({ host: '127.0.0.1', port: server.port, path: '/file', agent: false }, (res) => {
    res.on('data', () => {
      res.pause();
      setTimeout(() => res.resume(), SLOW_READ_PAUSE_MS);
    });
  });
  req.on('error', () => {});
  req.end();
  await sleep(windowMs);
  const { rssPeakBytes: peak } = await server.probe('read');
  req.destroy();
  return Math.max(peak - before, GROWTH_FLOOR_BYTES);
}

/** Runs a line-counting script with the usage reporter preloaded, and checks its count. */
async function runScript(script: string, filePath: string, expectedLines: number): Promise<{ maxRssBytes: number; wallMs: number }> {
  const result = await runWithUsage([here(script), filePath]);
  if (!result.usage) throw new ScriptFailed(`${script} reported no usage: ${result.stderr.trim()}`);
  if (Number(result.stdout) !== expectedLines) {
    throw new ScriptFailed(`${script} counted ${result.stdout.trim()} lines, expected ${expectedLines}`);
  }
  return result.usage;
}

/** Runs `node` with the usage reporter preloaded; its report arrives on file descriptor 3. */
function runWithUsage(args: string[]): Promise<{ stdout: string; stderr: string; usage: { maxRssBytes: number; wallMs: number } | null }> {
  return new Promise((resolve, reject) => {
    // Killed after SCRIPT_TIMEOUT_MS: `close` then reports the signal as a failure.
    const child = spawn(process.execPath, ['--import', REPORT_USAGE, ...args], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], timeout: SCRIPT_TIMEOUT_MS, killSignal: 'SIGKILL' });
    const release = ownProcess(child, `streams/${args[0]}`);
    let stdout = '';
    let stderr = '';
    let usage = '';
    child.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    (child.stdio[3] as Readable).setEncoding('utf8').on('data', (text: string) => (usage += text));
    child.on('error', (error) => {
      void release();
      reject(new SpawnFailed(`${args[0]} could not start: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      void release();
      if (signal) reject(new ScriptFailed(`${args[0]} did not finish within ${SCRIPT_TIMEOUT_MS / 1000} s`));
      else if (code !== 0) reject(new ScriptFailed(`${args[0]} exited with code ${code}: ${stderr.trim()}`));
      else resolve({ stdout, stderr, usage: usage ? (JSON.parse(usage) as { maxRssBytes: number; wallMs: number }) : null });
    });
  });
}

const SCRIPT_TIMEOUT_MS = 120_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const digests = new Map<string, Promise<string>>();

/** The SHA-256 of the data file, hashed once per lab run (every variant serves the same file). */
function sha256Of(path: string): Promise<string> {
  let digest = digests.get(path);
  if (!digest) {
    const hash = createHash('sha256');
    digest = pipeline(createReadStream(path), hash).then(() => hash.digest('hex'));
    digests.set(path, digest);
  }
  return digest;
}
