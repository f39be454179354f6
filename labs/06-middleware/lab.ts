import { setTimeout as sleep } from 'node:timers/promises';
import { defineLab, type ScenarioContext, type ScenarioResponse, type ScenarioStep } from 'devcap/lab';

/** The flood's body: a 256 KiB JSON document, the kind a client uploads, sent without a token. */
const BODY_BYTES = 256 * 1024;
const TOKEN = 'lab-06-token';
const AUTHORIZED = { authorization: `Bearer ${TOKEN}` };
/** A token nobody issued: what anyone can put in the lesson's `token` header. */
const MADE_UP = 'made-up-by-anyone';
/** The record the refused DELETE aims at. */
const TARGET = 3;

function documentOf(bytes: number): string {
  const items: string[] = [];
  let size = '{"items":[]}'.length;
  for (let id = 0; size < bytes; id++) {
    const item = JSON.stringify({ id, name: `item ${id}`, tags: ['red', 'small'], price: (id % 97) + 0.5, inStock: id % 3 !== 0 });
    items.push(item);
    size += item.length + 1;
  }
  return `{"items":[${items.join(',')}]}`;
}

interface Listing {
  count: number;
  ids: number[];
}

const listing = (response: ScenarioResponse) => JSON.parse(response.body) as Listing;

/** The list before the refused DELETE, kept for the later steps. */
const listBefore: ScenarioStep = {
  name: 'list the records',
  path: '/api/records',
  expectStatus: 200,
  check: (response, context) => {
    const { ids } = listing(response);
    context.vars.count = ids.length;
    return ids.includes(TARGET) ? null : `record ${TARGET} is not there to begin with`;
  },
};

/** Closes its connection: with the bug, the server destroys the socket after the second answer fails. */
const refusedDelete: ScenarioStep = {
  name: `DELETE /api/records/${TARGET} without a token: 401`,
  method: 'DELETE',
  path: `/api/records/${TARGET}`,
  headers: { connection: 'close' },
  expectStatus: 401,
  check: (response) => (/unauthorized/.test(response.body) ? null : `the 401 does not say unauthorized: ${response.body}`),
};

const HEADERS_SENT = 'ERR_HTTP_HEADERS_SENT';

/** Whether the server logged ERR_HTTP_HEADERS_SENT, waiting up to `waitMs` for its stderr to arrive. */
async function headersSentLogged(context: ScenarioContext, waitMs = 0): Promise<boolean> {
  const deadline = performance.now() + waitMs;
  while (!context.serverOutput().includes(HEADERS_SENT)) {
    if (performance.now() >= deadline) return false;
    await sleep(20);
  }
  return true;
}

/** GET /profile with these headers: the status, and the body the lesson's route or its 401 sends. */
function profile(name: string, headers: Record<string, string>, expectStatus: 200 | 401): ScenarioStep {
  return { name, path: '/profile', headers, expectStatus, expect: { body: expectStatus === 200 ? 'Private profile' : 'Unauthorized' } };
}

export default defineLab({
  day: 6,
  slug: 'middleware',
  title: 'Middleware: the order of the chain, and the `return` that stops it',
  summary:
    'an auth check before `express.json()` vs after it, under a flood of unauthenticated 256 KiB bodies: server CPU per rejected request; the 401 that forgets `return` and still deletes the record',
  claim: 'Middleware runs as a chain in the order it is registered: a check placed early stops a request before the work behind it, but only if it returns instead of calling next().',
  variants: {
    'auth-after-json': { file: 'variants/auth-after-json.js', summary: 'express.json() then the auth check: refused bodies are parsed first' },
    'auth-before-json': { file: 'variants/auth-before-json.js', summary: 'the auth check then express.json(): refused before parsing' },
    'auth-returns-early': { file: 'variants/auth-returns-early.js', summary: 'auth middleware that returns after its 401' },
    'auth-missing-return': { file: 'variants/auth-missing-return.js', summary: 'auth middleware that sends 401 and calls next() anyway' },
    'auth-token-present': { file: 'variants/auth-token-present.js', summary: "the lesson's middleware: a `token` header must be present, any value will do" },
    'auth-token-checked': { file: 'variants/auth-token-checked.js', summary: "the lesson's middleware, the token compared with the API's own" },
  },
  controls: {
    'accepts-unread-as-before': {
      file: 'controls/accepts-unread-as-before.js',
      replaces: 'auth-before-json',
      summary: 'wrong but fast: 201 to every upload, no token checked, no body read',
      rejects: ['reject-before-parsing'],
      expect: 'invalid',
    },
    'checked-as-present': {
      file: 'controls/checked-as-present.js',
      replaces: 'auth-token-present',
      summary: "the value checked, where the claim expects the lesson's presence-only check",
      rejects: ['presence-check-admits-any-token'],
    },
    'present-as-checked': {
      file: 'controls/present-as-checked.js',
      replaces: 'auth-token-checked',
      summary: "the lesson's presence-only check, where the claim expects the value checked",
      rejects: ['checked-token-refuses-made-up'],
    },
    'auth-after-json-as-before': {
      file: 'controls/auth-after-json-as-before.js',
      replaces: 'auth-before-json',
      summary: 'parse-first order on both sides of the ratio',
      rejects: ['reject-before-parsing'],
    },
    'missing-return-as-returns-early': {
      file: 'controls/missing-return-as-returns-early.js',
      replaces: 'auth-returns-early',
      summary: 'the middleware without return, where the claim expects the one with it',
      rejects: ['refused-delete-never-runs'],
    },
    'returns-early-as-missing-return': {
      file: 'controls/returns-early-as-missing-return.js',
      replaces: 'auth-missing-return',
      summary: 'the middleware with return, where the claim expects the bug',
      rejects: ['missing-return-deletes-anyway'],
    },
  },
  workload: {
    // A flood of unauthenticated uploads: every answer should be a 401.
    variants: ['auth-after-json', 'auth-before-json'],
    method: 'POST',
    path: '/api/documents',
    headers: { 'content-type': 'application/json' },
    // Built when a run reads it, not when the lab is imported.
    get body() {
      return documentOf(BODY_BYTES);
    },
    // Every upload of the flood is refused, with the auth check's own answer.
    requests: () => [{ path: '/api/documents', expect: { json: { error: 'unauthorized' } } }],
    readyPath: '/ping',
    expectStatus: [401],
    sizing: { durationSec: 3, warmupRequests: 200, rounds: 3, connections: [10] },
    quick: { durationSec: 1, warmupRequests: 100, rounds: 3, connections: [10] },
  },
  report: {
    headline: 'serverCpuMsPerRequest',
    columns: ['requestsPerSec', 'serverCpuMsPerRequest', 'serverCpuCores', 'latencyP50Ms', 'latencyP99Ms', 'generatorCpuCores'],
  },
  claims: [
    {
      kind: 'ratio',
      id: 'reject-before-parsing',
      statement: 'Refusing a 256 KiB upload after express.json() costs the server at least 3× the CPU of refusing it before.',
      metric: 'serverCpuMsPerRequest',
      numerator: 'auth-after-json',
      denominator: 'auth-before-json',
      atLeast: 3,
    },
    {
      kind: 'scenario',
      id: 'refused-delete-never-runs',
      statement: 'With `return` after the 401, a DELETE without a token is refused and the route never runs: the record is still there.',
      variant: 'auth-returns-early',
      steps: [
        listBefore,
        refusedDelete,
        {
          name: `list again: record ${TARGET} is still there, and the server logged no error`,
          path: '/api/records',
          expectStatus: 200,
          check: async (response, context) => {
            const { ids } = listing(response);
            if (!ids.includes(TARGET)) return `record ${TARGET} was deleted by a request that got 401`;
            return (await headersSentLogged(context)) ? `the server logged ${HEADERS_SENT}: the route ran after the 401` : null;
          },
        },
        {
          name: `DELETE /api/records/${TARGET} with the token: 204 (the route does work)`,
          method: 'DELETE',
          path: `/api/records/${TARGET}`,
          headers: AUTHORIZED,
          expectStatus: 204,
        },
        {
          name: `list again: record ${TARGET} is gone`,
          path: '/api/records',
          expectStatus: 200,
          check: (response, context) => {
            const { ids } = listing(response);
            return !ids.includes(TARGET) && ids.length === Number(context.vars.count) - 1 ? null : `expected ${Number(context.vars.count) - 1} records without ${TARGET}, got ${ids.join(', ')}`;
          },
        },
      ],
    },
    {
      kind: 'scenario',
      id: 'missing-return-deletes-anyway',
      statement: 'Without `return`, the client sees 401 and the record is deleted all the same; the server logs ERR_HTTP_HEADERS_SENT.',
      variant: 'auth-missing-return',
      steps: [
        listBefore,
        refusedDelete,
        {
          name: `list again: record ${TARGET} is gone, and the server logged ERR_HTTP_HEADERS_SENT`,
          path: '/api/records',
          expectStatus: 200,
          check: async (response, context) => {
            const { ids } = listing(response);
            if (ids.includes(TARGET)) return `record ${TARGET} is still there: the route did not run`;
            if (ids.length !== Number(context.vars.count) - 1) return `expected ${Number(context.vars.count) - 1} records, got ${ids.length}`;
            return (await headersSentLogged(context, 5000)) ? null : `no ${HEADERS_SENT} in the server output`;
          },
        },
      ],
    },
    {
      kind: 'scenario',
      id: 'presence-check-admits-any-token',
      statement: "The lesson's middleware only asks whether a `token` header is there: a value nobody issued gets the private profile.",
      variant: 'auth-token-present',
      steps: [
        profile('GET /profile without a token header: 401 Unauthorized', {}, 401),
        profile(`GET /profile with token: ${MADE_UP}, a value nobody issued: 200 Private profile`, { token: MADE_UP }, 200),
      ],
    },
    {
      kind: 'scenario',
      id: 'checked-token-refuses-made-up',
      statement: "With the token compared to the API's own, no token, a made-up one, an empty one and the right one with a character changed get 401; the right one gets the profile.",
      variant: 'auth-token-checked',
      steps: [
        profile('GET /profile without a token header: 401 Unauthorized', {}, 401),
        profile(`GET /profile with token: ${MADE_UP}: 401 Unauthorized`, { token: MADE_UP }, 401),
        profile('GET /profile with an empty token header: 401 Unauthorized', { token: '' }, 401),
        profile('GET /profile with the right token but its last character changed: 401 Unauthorized', { token: `${TOKEN.slice(0, -1)}X` }, 401),
        profile('GET /profile with the right token in Authorization instead of `token`: 401 Unauthorized', AUTHORIZED, 401),
        profile('GET /profile with the right token: 200 Private profile (the check lets the real one in)', { token: TOKEN }, 200),
      ],
    },
  ],
  takeaway:
    'Middleware is a chain run in the order you register it: put cheap refusals (auth, rate limits) before expensive work (body parsing); ' +
    'end a middleware that answers with `return`, or the chain carries on behind the answer it already sent; ' +
    'and check what a token says, not only that there is one: a header anyone can type is no credential.',
});
