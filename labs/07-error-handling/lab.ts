import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SHOP_TABLES } from '../../fixtures/shop.js';
import { defineLab, JSON_HEADERS, queryDatabase, type ScenarioContext, type ScenarioResponse, type ScenarioStep } from 'devcap/lab';
import { ANSWER_BOUND_MS, runMixedStream } from './measure/mixed-stream.js';

/**
 * The mixed stream after each load: STREAM_REQUESTS at STREAM_RATE a second, 1 in 20 with a
 * malformed id (9 of 200). Keeping serving means losing at most 1%: well under the 4.5% a
 * server would lose by never answering the malformed ones, so hanging on them cannot pass.
 */
const STREAM_RATE = 1000;
const STREAM_REQUESTS = 200;
const BAD_EVERY = 20;
const FIRST_BAD = 20;
/** How long the database stays down in the outage scenario. */
const OUTAGE_MS = 400;

interface ErrorAnswer {
  error?: { code?: unknown; message?: unknown };
  requestId?: unknown;
}

/** The documented error shape: { error: { code, message }, requestId }, the id also in X-Request-Id. */
function errorShape(code: string) {
  return (response: ScenarioResponse): string | null => {
    const body = JSON.parse(response.body) as ErrorAnswer;
    if (body.error?.code !== code) return `expected { error: { code: "${code}", … } }, got ${response.body}`;
    if (typeof body.error.message !== 'string') return `error.message is missing: ${response.body}`;
    if (typeof body.requestId !== 'string' || body.requestId !== response.headers['x-request-id']) {
      return `requestId ${String(body.requestId)} does not match the X-Request-Id header ${String(response.headers['x-request-id'])}`;
    }
    return null;
  };
}

/** The server's output, once it mentions `text` (stderr may arrive a moment after the answer). */
async function logMentions(context: ScenarioContext, text: string, timeoutMs = 1000): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!context.serverOutput().includes(text)) {
    if (performance.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

const INTERNALS = ['UPDATE products', 'constraint', 'ENOENT', 'manuals', '/tmp/'];

/** A 500 in the stable shape that reveals nothing, while the server's log holds the detail for that request id. */
function privateFailure(detail: string) {
  return async (response: ScenarioResponse, context: ScenarioContext): Promise<string | null> => {
    const shape = errorShape('internal_error')(response);
    if (shape) return shape;
    const leaked = INTERNALS.filter((text) => response.body.includes(text));
    if (leaked.length) return `the answer reveals ${leaked.join(', ')}: ${response.body}`;
    const requestId = (JSON.parse(response.body) as ErrorAnswer).requestId as string;
    if (!(await logMentions(context, requestId))) return `the server log does not mention request ${requestId}`;
    return context.serverOutput().includes(detail) ? null : `the server log lacks the detail "${detail}"`;
  };
}

/** The seed's middleware answers err.message: `text` is in what the client sees. */
const reveals = (text: string) => (response: ScenarioResponse) => (response.body.includes(text) ? null : `the answer does not reveal "${text}": ${response.body}`);

const patchWithoutPrice: Pick<ScenarioStep, 'method' | 'path' | 'headers' | 'body'> = {
  method: 'PATCH',
  path: '/api/products/1',
  headers: JSON_HEADERS,
  body: JSON.stringify({ name: 'Renamed' }),
};

async function databaseIsBack(context: ScenarioContext): Promise<string | null> {
  const deadline = performance.now() + 5000;
  for (;;) {
    try {
      if ((await fetch(`${context.env.DATABASE_URL}/health`, { signal: AbortSignal.timeout(2000) })).ok) return null;
    } catch {
      // still down
    }
    if (performance.now() > deadline) return 'the database did not come back within 5 s';
    await sleep(20);
  }
}

export default defineLab({
  day: 7,
  slug: 'error-handling',
  title: 'Error handling: async errors on Express 4 and 5, one error shape, nothing internal leaked',
  summary:
    'an async route that throws on Express 4 (the process dies, clients lose most of a run with 1% bad ids) vs Express 5; 404/400/503 with one error shape through a real database outage; `err.message` leaking SQL vs a safe handler',
  claim: 'An unhandled failure takes the process down; central error middleware keeps it serving, with one stable error shape that leaks nothing.',
  requires: ['database'],
  database: { tables: [SHOP_TABLES] },
  variants: {
    'express4-async-route': {
      file: 'variants/express4-async-route.js',
      summary: 'Express 4, async routes that throw, central middleware answering err.message',
    },
    'express5-async-route': {
      file: 'variants/express5-async-route.js',
      summary: 'the same code on Express 5, which passes rejections to the middleware',
    },
    'express5-safe-errors': {
      file: 'variants/express5-safe-errors.js',
      summary: 'Express 5, middleware with one shape, a request id, details only in the log',
    },
  },
  controls: {
    'express4-logging-unhandled-rejections': {
      file: 'controls/express4-logging-unhandled-rejections.js',
      replaces: 'express5-async-route',
      summary: 'Express 4 with a process-wide unhandledRejection handler that only logs: alive, but a malformed id is never answered',
      rejects: ['express5-keeps-serving'],
    },
    'express5-without-await': {
      file: 'controls/express5-without-await.js',
      replaces: 'express5-async-route',
      summary: 'wrong but fast: the route answers res.json(findProduct(id)) without await, a Promise serialised as {}',
      rejects: ['express5-keeps-serving'],
      expect: 'invalid',
    },
    'express4-as-express5': {
      file: 'controls/express4-as-express5.js',
      replaces: 'express5-async-route',
      summary: 'Express 4 where Express 5 should be: the first bad id ends the process',
      rejects: ['express5-keeps-serving'],
    },
    'express5-as-express4': {
      file: 'controls/express5-as-express4.js',
      replaces: 'express4-async-route',
      summary: 'Express 5 where Express 4 should be: nothing crashes',
      rejects: ['express4-crash-loses-most'],
    },
    'express4-as-safe-errors': {
      file: 'controls/express4-as-express5.js',
      replaces: 'express5-safe-errors',
      summary: 'Express 4 where the safe Express 5 app should be: the database outage ends the process',
      rejects: ['database-down-is-503'],
    },
    'message-as-safe-errors': {
      file: 'controls/message-as-safe-errors.js',
      replaces: 'express5-safe-errors',
      summary: 'the err.message middleware where the safe one should be',
      rejects: ['errors-have-one-shape', 'unexpected-errors-stay-private'],
    },
    'safe-errors-as-message': {
      file: 'controls/safe-errors-as-message.js',
      replaces: 'express5-async-route',
      summary: 'the safe middleware where the err.message one should be',
      rejects: ['message-leaks-internals'],
    },
  },
  setup({ tempDir }) {
    // Product 1 has a manual; the others do not, which the route does not expect.
    const manuals = join(tempDir, 'manuals');
    mkdirSync(manuals);
    writeFileSync(join(manuals, '1.pdf'), '%PDF-1.4\n% manual for product 1\n');
    return { MANUALS_DIR: manuals };
  },
  workload: {
    // The standard load is the happy path (no errors): what each Express costs. The crash
    // is measured after it, by the lab's own client (drive).
    variants: ['express4-async-route', 'express5-async-route'],
    path: '/api/products/1',
    // Several products, each as the database holds it.
    requests: async ({ env }) =>
      Promise.all([1, 2, 3, 4, 5].map(async (id) => ({ path: `/api/products/${id}`, expect: { json: (await queryDatabase(env.DATABASE_URL!, 'productById', [id]))[0] } }))),
    readyPath: '/ping',
    sizing: { durationSec: 2, warmupRequests: 50, rounds: 3, connections: [10] },
    quick: { durationSec: 1, warmupRequests: 10, rounds: 3, connections: [10] },
  },
  metrics: {
    servedFraction: { label: 'served', unit: 'ratio', better: 'higher' },
    // Judged per round (count claims): every round of Express 5 loses at most 1%, every
    // round of Express 4 at least half. No interval, so no logarithm of a loss of 0.
    lostFraction: { label: 'lost', unit: 'ratio', better: 'lower' },
    requestsLost: { label: 'requests lost', unit: 'count', better: 'lower' },
    lostInFlight: { label: 'lost in flight', unit: 'count', better: 'lower' },
    lostHung: { label: 'hung', unit: 'count', better: 'lower' },
    firstLossMs: { label: 'first loss at', unit: 'ms', better: 'higher' },
    diedAtMs: { label: 'died at', unit: 'ms', better: 'higher' },
  },
  async drive({ port }) {
    return runMixedStream({ port, ratePerSec: STREAM_RATE, requests: STREAM_REQUESTS, badEvery: BAD_EVERY, firstBad: FIRST_BAD });
  },
  report: {
    headline: 'servedFraction',
    columns: ['servedFraction', 'requestsLost', 'lostInFlight', 'lostHung', 'firstLossMs', 'diedAtMs', 'requestsPerSec'],
  },
  claims: [
    {
      kind: 'count',
      id: 'express5-keeps-serving',
      statement:
        `On Express 5 the same async routes serve at least 99% of a stream in which 1 request in ${BAD_EVERY} has a malformed id: ` +
        `each answered within ${ANSWER_BOUND_MS / 1000} s with its status (the product asked for, or 400), so a server that never answers the malformed ones loses ${((100 * 9) / STREAM_REQUESTS).toFixed(1)}%.`,
      metric: 'lostFraction',
      variant: 'express5-async-route',
      atMost: 0.01,
    },
    {
      kind: 'count',
      id: 'express4-crash-loses-most',
      statement: 'On Express 4 the first malformed id ends the process: clients lose most of the stream (at least half).',
      metric: 'lostFraction',
      variant: 'express4-async-route',
      atLeast: 0.5,
    },
    {
      kind: 'scenario',
      id: 'errors-have-one-shape',
      statement: 'Unknown id → 404, malformed id → 400, each as { error: { code, message }, requestId }.',
      variant: 'express5-safe-errors',
      steps: [
        { name: 'a product that exists: 200', path: '/api/products/1', expectStatus: 200 },
        { name: 'an id no product has: 404 not_found', path: '/api/products/999999', expectStatus: 404, check: errorShape('not_found') },
        { name: 'a malformed id: 400 invalid_request', path: '/api/products/abc', expectStatus: 400, check: errorShape('invalid_request') },
      ],
    },
    {
      kind: 'scenario',
      id: 'database-down-is-503',
      statement: 'With the database down, the API answers 503 in the same shape, and serves again as soon as the database is back.',
      variant: 'express5-safe-errors',
      steps: [
        { name: 'a product, database up: 200', path: '/api/products/2', expectStatus: 200 },
        {
          name: `stop the database (it refuses connections for ${OUTAGE_MS} ms), then ask: 503 service_unavailable`,
          action: async (context) => {
            const response = await fetch(`${context.env.DATABASE_URL}/admin/outage?ms=${OUTAGE_MS}`, { method: 'POST', signal: AbortSignal.timeout(10_000) });
            return response.ok ? null : `the database's outage endpoint answered ${response.status}`;
          },
          path: '/api/products/2',
          expectStatus: 503,
          check: errorShape('service_unavailable'),
        },
        { name: 'the database is back: the same process answers 200', action: databaseIsBack, path: '/api/products/2', expectStatus: 200 },
      ],
    },
    {
      kind: 'scenario',
      id: 'unexpected-errors-stay-private',
      statement: 'An unexpected error is answered 500 in the same shape with nothing internal in it; the detail is in the server log under the request id.',
      variant: 'express5-safe-errors',
      steps: [
        {
          name: 'PATCH without a price (the database refuses NULL): 500, no SQL in the answer, the SQL error in the log',
          ...patchWithoutPrice,
          expectStatus: 500,
          check: privateFailure('NOT NULL constraint failed: products.price'),
        },
        {
          name: 'the manual of a product that has none: 500, no file path in the answer, ENOENT in the log',
          path: '/api/products/2/manual',
          expectStatus: 500,
          check: privateFailure('ENOENT'),
        },
      ],
    },
    {
      kind: 'scenario',
      id: 'message-leaks-internals',
      statement: "The lesson's middleware (message: err.message) sends the client the SQL that failed and the server's file paths.",
      variant: 'express5-async-route',
      steps: [
        {
          name: 'PATCH without a price: the answer quotes the SQL statement',
          ...patchWithoutPrice,
          expectStatus: 500,
          check: reveals('UPDATE products SET price = ? WHERE id = ?'),
        },
        {
          name: 'the manual of a product that has none: the answer names the file it looked for',
          path: '/api/products/2/manual',
          expectStatus: 404,
          check: (response, context) => reveals(join(context.env.MANUALS_DIR!, '2.pdf'))(response),
        },
      ],
    },
  ],
  measures: [
    {
      id: 'express5-vs-express4-happy-path',
      statement: 'Throughput of the same app on Express 5 relative to Express 4, with no errors in the load.',
      metric: 'requestsPerSec',
      numerator: 'express5-async-route',
      denominator: 'express4-async-route',
    },
  ],
  takeaway:
    'On Express 4, an error thrown in an async route never reaches your error middleware: wrap the handlers or move to Express 5. ' +
    'Then answer every error in one shape with a request id, and keep the detail (SQL, paths, stacks) in your logs, not in the response.',
});
