/**
 * `devcap room`: the instructor's server. Learners post results (`--room <url> --name`),
 * the room keeps each one as a line of a JSON Lines file in the state directory, and its
 * page shows the class's results as they arrive (server-sent events).
 *
 * It listens on a shared network, so it trusts nothing it is sent: the room code is
 * required, each client address has a rate limit, a body has a size limit, a result must
 * validate against the lab result's JSON Schema, a name must be printable text (and is
 * escaped everywhere it appears), and every refusal is a status with a one-line reason. No
 * route reads a file a client names: the routes are fixed strings. Nothing a client sends
 * can stop the room: a handler that throws answers 500 and the room goes on.
 */
import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import { Ajv, type ValidateFunction } from 'ajv';
import { BadHost, PortDenied, UsageError } from '../errors.js';
import { makeFolder } from '../harness/folders.js';
import type { LabResult } from '../report/result.js';
import { renderRoomPage, ROOM_CSP, type RoomSummary } from '../report/room-page.js';
import { nameProblem, type RoomSubmission } from './room-client.js';

export interface RoomOptions {
  port: number;
  host: string;
  code: string;
  /** The JSON Lines file every accepted result is appended to. */
  file: string;
  /** Results a client address may send per minute. */
  ratePerMinute: number;
  /** The largest body accepted, in bytes. */
  maxBodyBytes: number;
  /** The largest the results file may grow to, in bytes (DEFAULT_MAX_FILE_BYTES): past it, results are refused, not kept. */
  maxFileBytes?: number;
  /** Told of each accepted result (the command prints a line). */
  onEntry?(summary: RoomSummary): void;
}

/** One line of the room's file. */
export interface RoomEntry extends RoomSubmission {
  receivedAt: string;
}

export interface Room {
  port: number;
  count(): number;
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;
export const DEFAULT_RATE_PER_MINUTE = 30;
/**
 * The rate limit is per address, and a classroom network has many: without a bound, results
 * sent from enough addresses would fill the instructor's disk. A class's results are about
 * 20 KB each, so 256 MiB holds over ten thousand.
 */
export const DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024;

/** The results file is at its bound: nothing more is kept until the room is exported and a new one opened. */
class RoomFull extends Error {}
/** Pages open at once (each an event stream), and what one may fall behind by before it is dropped. */
const MAX_PAGES = 200;
const MAX_STREAM_BACKLOG_BYTES = 4 * 1024 * 1024;
const CHECK_STATUSES = ['passed', 'not yet', 'not yet decided', 'invalid'];

let validator: ValidateFunction | undefined;
function validateResult(result: unknown): string | null {
  // From dist/src/cli when built, from src/cli when the unit tests run the source.
  const schema = [new URL('../../../schema/lab-result.schema.json', import.meta.url), new URL('../../schema/lab-result.schema.json', import.meta.url)].find((url) => existsSync(url))!;
  validator ??= new Ajv({ allErrors: false, strict: false }).compile(JSON.parse(readFileSync(schema, 'utf8')) as object);
  if (validator(result)) return null;
  const error = validator.errors?.[0];
  return `the result does not match devcap's lab result schema (${error ? `${error.instancePath || '/'} ${error.message}` : 'invalid'})`;
}

/** Why a submission cannot be kept, or null. */
export function submissionProblem(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body must be a JSON object { name, kind, result }';
  const submission = body as Record<string, unknown>;
  const extra = Object.keys(submission).filter((key) => !['name', 'kind', 'check', 'predictions', 'result'].includes(key));
  if (extra.length) return `unexpected field "${extra[0]}": a submission is { name, kind, check?, predictions?, result }`;
  if (submission.predictions !== undefined) {
    const predictions = submission.predictions as Record<string, unknown>;
    const whole = (value: unknown) => Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 100;
    if (typeof predictions !== 'object' || predictions === null || Object.keys(predictions).length !== 2 || !whole(predictions.right) || !whole(predictions.asked) || (predictions.right as number) > (predictions.asked as number)) {
      return 'predictions must be { right, asked }, whole numbers with right ≤ asked ≤ 100';
    }
  }
  const name = nameProblem(submission.name);
  if (name) return name;
  if (submission.kind !== 'lab' && submission.kind !== 'check') return 'kind must be "lab" or "check"';
  if (submission.kind === 'check') {
    const check = submission.check as Record<string, unknown> | undefined;
    if (typeof check !== 'object' || check === null || typeof check.passed !== 'boolean' || !CHECK_STATUSES.includes(check.status as string) || Object.keys(check).length !== 2) {
      return `a check needs check: { passed: true or false, status: ${CHECK_STATUSES.map((status) => `"${status}"`).join(', ')} }`;
    }
  } else if (submission.check !== undefined) return 'only a check has a check field';
  return validateResult(submission.result);
}

/** What the page needs of an entry: the numbers and verdicts, not the rounds. */
export function summarise(entry: RoomEntry, seq: number): RoomSummary {
  const { result } = entry;
  return {
    seq,
    receivedAt: entry.receivedAt,
    name: entry.name,
    kind: entry.kind,
    check: entry.check ?? null,
    predictions: entry.predictions ?? null,
    lab: { day: result.lab.day, slug: result.lab.slug, title: result.lab.title },
    mode: result.config.mode,
    wallTimeMs: result.wallTimeMs,
    outcome: result.outcome,
    claims: result.claims.map((claim) => ({
      id: claim.id,
      kind: claim.kind,
      statement: claim.statement,
      verdict: claim.verdict,
      estimate: claim.estimate,
      ci95: claim.ci95,
      threshold: claim.threshold,
      band: claim.band ?? null,
      direction: claim.direction,
      // A ratio's or a model's estimate is a multiple, whatever its metric's unit.
      unit: claim.kind === 'ratio' || claim.kind === 'model' ? '×' : claim.metric ? (result.metrics[claim.metric]?.unit ?? null) : null,
    })),
    machine: {
      cpuCount: result.environment.cpuCount,
      cpuModel: result.environment.cpuModel,
      loadAverage: result.environment.loadAverage,
      node: result.environment.node,
      platform: result.environment.platform,
    },
  };
}

/** The room's file read back: every line that parses and still validates, and how many did not. */
export function readEntries(file: string): { entries: RoomEntry[]; skipped: number } {
  if (!existsSync(file)) return { entries: [], skipped: 0 };
  const entries: RoomEntry[] = [];
  let skipped = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as RoomEntry;
      const { receivedAt, ...submission } = entry;
      if (typeof receivedAt !== 'string' || submissionProblem(submission)) throw new Error('not a room entry');
      entries.push(entry);
    } catch {
      skipped++;
    }
  }
  return { entries, skipped };
}

/** Equal codes, compared in constant time (a code is not to be guessed a letter at a time). */
function sameCode(given: string, code: string): boolean {
  const a = Buffer.from(given.toUpperCase());
  const b = Buffer.from(code.toUpperCase());
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A fixed window per client address: at most `limit` posts a minute. */
function rateLimiter(limit: number) {
  const windows = new Map<string, { start: number; count: number }>();
  return (address: string): number | null => {
    const now = Date.now();
    const window = windows.get(address);
    if (!window || now - window.start >= 60_000) {
      // Old windows go, so a room that runs all day holds one entry per recent client.
      if (windows.size > 10_000) for (const [key, value] of windows) if (now - value.start >= 60_000) windows.delete(key);
      windows.set(address, { start: now, count: 1 });
      return null;
    }
    if (window.count >= limit) return Math.ceil((window.start + 60_000 - now) / 1000);
    window.count++;
    return null;
  };
}

const SECURITY_HEADERS = {
  'content-security-policy': ROOM_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function answer(response: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  if (response.headersSent) return void response.end();
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', ...headers });
  response.end(message + '\n');
}

/** What a running room holds: its options, the results so far (as summaries), the pages listening, its file's size. */
interface RoomState {
  options: RoomOptions;
  summaries: RoomSummary[];
  streams: Set<ServerResponse>;
  limited: (address: string) => number | null;
  page: string;
  maxFileBytes: number;
  fileBytes: number;
}

/** The room as its file left it: the results kept so far, and the size that counts toward maxFileBytes. */
function openRoom(options: RoomOptions): RoomState {
  makeFolder(dirname(options.file));
  const { entries } = readEntries(options.file);
  return {
    options,
    summaries: entries.map((entry, index) => summarise(entry, index + 1)),
    streams: new Set<ServerResponse>(),
    limited: rateLimiter(options.ratePerMinute),
    page: renderRoomPage(),
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    fileBytes: existsSync(options.file) ? statSync(options.file).size : 0,
  };
}

/** Keeps a valid submission: appended to the file (or RoomFull), then shown to every page listening. */
function keep(room: RoomState, submission: RoomSubmission): RoomSummary {
  const { options, summaries } = room;
  const entry: RoomEntry = { receivedAt: new Date().toISOString(), name: submission.name.trim(), kind: submission.kind, ...(submission.check ? { check: submission.check } : {}), ...(submission.predictions ? { predictions: submission.predictions } : {}), result: submission.result as LabResult };
  const line = JSON.stringify(entry) + '\n';
  const bytes = Buffer.byteLength(line);
  if (room.fileBytes + bytes > room.maxFileBytes) {
    throw new RoomFull(`the room is full: its file holds ${summaries.length} results, and at most ${Math.round(room.maxFileBytes / 1024 / 1024)} MiB is kept; the instructor can export them (devcap room --export) and open a new room`);
  }
  // Written before it is shown or acknowledged: a result the room said it kept is on disk.
  appendFileSync(options.file, line);
  room.fileBytes += bytes;
  const summary = summarise(entry, summaries.length + 1);
  summaries.push(summary);
  const frame = `event: entry\ndata: ${JSON.stringify(summary)}\n\n`;
  for (const stream of room.streams) {
    // A page that stopped reading is dropped, not buffered for without end; it gets everything again when it reconnects.
    if (stream.writableLength > MAX_STREAM_BACKLOG_BYTES) {
      room.streams.delete(stream);
      stream.destroy();
    } else stream.write(frame);
  }
  options.onEntry?.(summary);
  return summary;
}

/** POST /join/<code>/results: the code, the address's rate, the content type, then the body read up to maxBodyBytes. */
function receive(room: RoomState, request: IncomingMessage, response: ServerResponse, code: string): void {
  const { options } = room;
  if (!sameCode(code, options.code)) return answer(response, 403, 'wrong room code: use the URL the room printed');
  const wait = room.limited(request.socket.remoteAddress ?? 'unknown');
  if (wait !== null) return answer(response, 429, `too many results from this address: at most ${options.ratePerMinute} a minute; try again in ${wait} s`, { 'retry-after': String(wait) });
  if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) return answer(response, 415, 'send the result as application/json');
  const tooBig = () => {
    answer(response, 413, `the body is over ${options.maxBodyBytes} bytes: send one result`, { connection: 'close' });
    // Read to its end and dropped, not kept (the room holds at most maxBodyBytes of any
    // request), so the client reads the 413 instead of a reset; requestTimeout bounds how long.
    request.resume();
  };
  if (Number(request.headers['content-length'] ?? 0) > options.maxBodyBytes) return tooBig();
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  request.on('data', (chunk: Buffer) => {
    if (over) return;
    size += chunk.length;
    if (size > options.maxBodyBytes) {
      over = true;
      chunks.length = 0;
      return tooBig();
    }
    chunks.push(chunk);
  });
  request.on('end', () => {
    if (over) return;
    try {
      store(room, response, Buffer.concat(chunks));
    } catch {
      // after the request handler's own try: nothing a client sends may stop the room
      answer(response, 500, 'the room failed on this result; nothing was kept');
    }
  });
  request.on('error', () => request.destroy());
}

/** A whole body: JSON, a valid submission, kept (201 with its number) or refused with why. */
function store(room: RoomState, response: ServerResponse, raw: Buffer): void {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return answer(response, 400, 'the body is not JSON');
  }
  const problem = submissionProblem(body);
  if (problem) return answer(response, 422, problem);
  let summary: RoomSummary;
  try {
    summary = keep(room, body as RoomSubmission);
  } catch (error) {
    if (error instanceof RoomFull) return answer(response, 507, error.message);
    return answer(response, 507, `the room could not store it (${(error as NodeJS.ErrnoException).code ?? 'write failed'}); nothing was kept`);
  }
  response.writeHead(201, { ...SECURITY_HEADERS, 'content-type': 'application/json' });
  response.end(JSON.stringify({ stored: summary.seq }) + '\n');
}

/** GET /events: every result so far, then each new one, to at most MAX_PAGES pages at once. */
function listenForEntries(room: RoomState, request: IncomingMessage, response: ServerResponse): void {
  if (room.streams.size >= MAX_PAGES) return answer(response, 503, `the room's page is open ${MAX_PAGES} times already; close one`, { 'retry-after': '10' });
  response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
  // Everything so far on every (re)connect: a page opened late or after a drop is whole.
  response.write(`event: snapshot\ndata: ${JSON.stringify(room.summaries)}\n\n`);
  room.streams.add(response);
  request.on('close', () => room.streams.delete(response));
}

/** The room's routes: its page, its events, its join URL (GET: how to send; POST …/results: a result); nothing else. */
function route(room: RoomState, request: IncomingMessage, response: ServerResponse): void {
  const path = (request.url ?? '/').split('?')[0]!;
  const join = /^\/join\/([^/]*)(\/results)?$/.exec(path);
  let code = '';
  try {
    code = join ? decodeURIComponent(join[1]!) : '';
  } catch {
    return answer(response, 400, 'a malformed URL (a % not followed by two hex digits)');
  }
  if (join && join[2]) {
    if (request.method !== 'POST') return answer(response, 405, 'POST a result here', { allow: 'POST' });
    return receive(room, request, response, code);
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') return answer(response, 405, 'only GET here; results are POSTed to the join URL', { allow: 'GET' });
  if (path === '/') {
    response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' });
    return void response.end(room.page);
  }
  if (path === '/events') return listenForEntries(room, request, response);
  if (join) {
    if (!sameCode(code, room.options.code)) return answer(response, 403, 'wrong room code: use the URL the room printed');
    return answer(response, 200, `This is a devcap room. Send a result with:\n  devcap lab <lab> --room <this URL> --name "your name"\n  devcap check <lab> <file> --room <this URL> --name "your name"`);
  }
  answer(response, 404, 'not found: this room serves /, /events and its join URL');
}

/** Listens on the room's host and port, or refuses with what to give instead. */
async function listen(server: Server, options: RoomOptions): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new UsageError('DEVCAP_ROOM_PORT_IN_USE', `port ${options.port} is in use: give another with --port (0 for a free one)`)
          : error.code === 'EADDRNOTAVAIL'
            ? new BadHost(`--host ${options.host} is not an address of this machine; e.g. --host 127.0.0.1, or --host 0.0.0.0 for every interface`)
            : error.code === 'EACCES'
              ? new PortDenied(`port ${options.port} needs privileges on this machine (below 1024); choose one from 1024 up, or --port 0 for a free one`)
              : error,
      ),
    );
    server.listen(options.port, options.host, resolve);
  });
}

export async function startRoom(options: RoomOptions): Promise<Room> {
  const room = openRoom(options);
  const server = createServer((request, response) => {
    try {
      route(room, request, response);
    } catch {
      answer(response, 500, 'the room could not answer that; it is still running');
    }
  });
  // A request that never finishes its headers or body is not allowed to hold a socket for long.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  await listen(server, options);
  return {
    port: (server.address() as AddressInfo).port,
    count: () => room.summaries.length,
    async close() {
      for (const stream of room.streams) stream.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
