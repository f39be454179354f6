import { defineLab, type ScenarioResponse } from 'devcap/lab';
import { PRODUCTS } from './variants/products.js';

/** The per-client limit in the proxy scenarios: requests per window on /api. */
const LIMIT = 20;
/** The throughput runs measure what checking the limit costs, never a refusal: no load comes near this. */
const UNREACHED_LIMIT = '1000000';
/** The lesson's windows: `windowMs: 15 * 60 * 1000` for the API, `10 * 60 * 1000` (max 5) for login. */
const API_WINDOW_SEC = 15 * 60;
const LOGIN_WINDOW_SEC = 10 * 60;
const LOGIN_LIMIT = 5;
/**
 * Each scenario's clients connect from addresses of their own (127.0.0.10, .11…: loopback,
 * this machine, standing for clients on the internet), so the server tells them apart by
 * the socket, and no scenario sees another's counts (Redis keeps them for the whole run).
 * 127.0.0.1 is the load balancer's address, the only one the API trusts to forward a client's.
 */
const client = (n: number) => `127.0.0.${n}`;
const JSON_BODY = { 'content-type': 'application/json' };
const GUESS = JSON.stringify({ username: 'ada', password: 'password123' });

/** `count` wrong passwords from `from`, with extra headers (a forged X-Forwarded-For). */
function guesses(name: string, from: string, counts: Record<number, number>, headers: Record<string, string> = {}) {
  const count = Object.values(counts).reduce((sum, n) => sum + n, 0);
  return { name, method: 'POST' as const, path: '/login', from, headers: { ...JSON_BODY, ...headers }, body: GUESS, repeat: count, expectStatusCounts: counts };
}

/** One header parameter (`q`, `w`, `r`, `t`) of the draft-8 RateLimit headers, as a number. */
function parameter(header: unknown, name: string): number | undefined {
  const match = new RegExp(`\\b${name}=(\\d+)`).exec(String(header ?? ''));
  return match ? Number(match[1]) : undefined;
}

/** The window and the limit a limiter tells the client (RateLimit-Policy), against the lesson's. */
function tellsWindow(limit: number | null, windowSec: number) {
  return (response: ScenarioResponse): string | null => {
    const policy = response.headers['ratelimit-policy'];
    const w = parameter(policy, 'w');
    if (w !== windowSec) return `RateLimit-Policy says a window of ${w ?? 'nothing'} s ("${String(policy)}"), the lesson's is ${windowSec} s`;
    if (limit !== null && parameter(policy, 'q') !== limit) return `RateLimit-Policy says q=${String(parameter(policy, 'q'))}, the lesson's limit is ${limit}`;
    const t = parameter(response.headers['ratelimit'], 't');
    return t !== undefined && t <= windowSec && t > windowSec - 60 ? null : `RateLimit says the window resets in ${String(t)} s, expected just under ${windowSec} s`;
  };
}

/** A refusal the client can act on: 429, the draft-8 RateLimit headers with nothing left, and Retry-After. */
function refusedWithHeaders(limit: number) {
  return (response: ScenarioResponse): string | null => {
    const { headers } = response;
    if (response.status !== 429) return `the last answer was ${response.status}, not 429`;
    const retryAfter = Number(headers['retry-after']);
    if (!(retryAfter > 0)) return `no usable Retry-After header (got ${String(headers['retry-after'])})`;
    const rateLimit = String(headers['ratelimit'] ?? '');
    if (!/\br=0\b/.test(rateLimit)) return `RateLimit header should say r=0 (nothing left), got "${rateLimit}"`;
    const policy = String(headers['ratelimit-policy'] ?? '');
    if (!new RegExp(`\\bq=${limit}\\b`).test(policy)) return `RateLimit-Policy should say q=${limit}, got "${policy}"`;
    return null;
  };
}

export default defineLab({
  day: 11,
  slug: 'rate-limiting',
  title: 'Rate limiting: a per-client window, a stricter login, and a store all instances share',
  summary:
    'exact counts: N of a burst pass and the rest get 429 with `RateLimit` headers; 5 of 50 logins; two instances with a memory store let twice the limit through, a Redis store holds it; the cost of each',
  claim: 'A per-client window protects the API and login gets a stricter one; behind a load balancer the counts must live in a shared store.',
  requires: ['redis'],
  variants: {
    'no-limiter': { file: 'variants/no-limiter.js', summary: 'no rate limiter (the baseline)' },
    'memory-store': {
      file: 'variants/memory-store.js',
      summary: 'express-rate-limit, default in-memory store',
      env: { RATE_LIMIT: UNREACHED_LIMIT },
    },
    'redis-store': {
      file: 'variants/redis-store.js',
      summary: 'express-rate-limit with rate-limit-redis: counts in Redis',
      env: { RATE_LIMIT: UNREACHED_LIMIT },
      requires: ['redis'],
    },
    'two-instances-memory': {
      file: 'variants/round-robin.js',
      summary: `two memory-store instances (${LIMIT}/min) behind a round-robin proxy`,
      env: { INSTANCE: 'memory-store', RATE_LIMIT: String(LIMIT) },
    },
    'two-instances-redis': {
      file: 'variants/round-robin.js',
      summary: `two redis-store instances (${LIMIT}/min) behind a round-robin proxy`,
      env: { INSTANCE: 'redis-store', RATE_LIMIT: String(LIMIT) },
      requires: ['redis'],
    },
  },
  workload: {
    // The cost of checking a limit; the instances behind a proxy take part in the scenarios only.
    variants: ['no-limiter', 'memory-store', 'redis-store'],
    path: '/api/products',
    requests: () => [{ path: '/api/products', expect: { json: PRODUCTS } }],
    readyPath: '/ping',
    sizing: { durationSec: 3, warmupRequests: 300, rounds: 3, connections: [10] },
    quick: { durationSec: 1, warmupRequests: 200, rounds: 3, connections: [10] },
  },
  report: {
    columns: ['requestsPerSec', 'latencyP50Ms', 'latencyP99Ms', 'serverCpuCores', 'eventLoopUtilization', 'rssPeakBytes'],
  },
  controls: {
    'one-counter-as-memory-store': {
      file: 'controls/one-counter-as-memory-store.js',
      replaces: 'memory-store',
      summary: 'one login counter for every client (keyGenerator: () => "everyone")',
      rejects: ['limit-is-per-client'],
    },
    'trusts-every-proxy-as-memory-store': {
      file: 'controls/trusts-every-proxy-as-memory-store.js',
      replaces: 'memory-store',
      summary: "trust proxy: true, so the client is whoever X-Forwarded-For says",
      rejects: ['forged-forwarded-for-ignored'],
    },
    'window-in-seconds-as-memory-store': {
      file: 'controls/window-in-seconds-as-memory-store.js',
      replaces: 'memory-store',
      summary: "the lesson's windows in seconds where milliseconds are meant: 0.9 s and 0.6 s",
      rejects: ['lesson-windows'],
    },
    'refuses-everyone-as-memory-store': {
      file: 'controls/refuses-everyone-as-memory-store.js',
      replaces: 'memory-store',
      summary: 'wrong but fast: every login is a 429 at once, nothing counted, nothing checked',
      rejects: ['login-brute-force', 'limit-is-per-client'],
    },
    'memory-instances-as-redis': {
      file: 'controls/memory-instances-as-redis.js',
      replaces: 'two-instances-redis',
      summary: 'two in-memory instances in the place of the Redis-backed pair',
      rejects: ['shared-store-holds-the-limit'],
    },
    'redis-instances-as-memory': {
      file: 'controls/redis-instances-as-memory.js',
      replaces: 'two-instances-memory',
      summary: 'two Redis-backed instances in the place of the in-memory pair',
      rejects: ['memory-store-doubles-the-limit'],
    },
    'no-limiter-as-memory-store': {
      file: 'controls/no-limiter-as-memory-store.js',
      replaces: 'memory-store',
      summary: 'no limiter in the place of the in-memory one',
      rejects: ['login-brute-force'],
    },
  },
  claims: [
    {
      kind: 'scenario',
      id: 'shared-store-holds-the-limit',
      statement: `With the counts in Redis, two instances enforce one limit: a burst of ${3 * LIMIT} gets exactly ${LIMIT} through.`,
      variant: 'two-instances-redis',
      steps: [
        {
          name: `${3 * LIMIT} requests from one client: ${LIMIT} served, the rest refused with RateLimit headers and Retry-After`,
          path: '/api/products',
          from: client(10),
          repeat: 3 * LIMIT,
          expectStatusCounts: { 200: LIMIT, 429: 2 * LIMIT },
          check: refusedWithHeaders(LIMIT),
        },
        {
          name: 'the same client with X-Forwarded-For: 203.0.113.7 of its own making: 429 (the balancer adds the real address, the API reads that)',
          path: '/api/products',
          from: client(10),
          headers: { 'x-forwarded-for': '203.0.113.7' },
          expectStatus: 429,
        },
        {
          name: `another client: ${LIMIT} served (a count of its own), then refused`,
          path: '/api/products',
          from: client(20),
          repeat: LIMIT + 1,
          expectStatusCounts: { 200: LIMIT, 429: 1 },
        },
      ],
    },
    {
      kind: 'scenario',
      id: 'memory-store-doubles-the-limit',
      statement: `With the default in-memory store, each instance counts alone: behind a round-robin proxy one client gets ${2 * LIMIT}, twice the limit.`,
      variant: 'two-instances-memory',
      steps: [
        {
          name: `${3 * LIMIT} requests from one client: ${2 * LIMIT} served (${LIMIT} by each instance), the rest refused`,
          path: '/api/products',
          from: client(11),
          repeat: 3 * LIMIT,
          expectStatusCounts: { 200: 2 * LIMIT, 429: LIMIT },
          check: refusedWithHeaders(LIMIT),
        },
      ],
    },
    {
      kind: 'scenario',
      id: 'login-brute-force',
      statement: 'The stricter login limiter lets 5 of 50 password guesses reach the password check; the other 45 never do.',
      variant: 'memory-store',
      steps: [
        {
          ...guesses('50 wrong passwords from one client: 5 checked and rejected (401), 45 refused before the check (429)', client(12), { 401: 5, 429: 45 }),
          check: refusedWithHeaders(LOGIN_LIMIT),
        },
      ],
    },
    {
      kind: 'scenario',
      id: 'limit-is-per-client',
      statement: 'The login limit counts each client apart: after one client has used its 5 attempts, another still gets its own 5.',
      variant: 'memory-store',
      steps: [
        { ...guesses('6 wrong passwords from client A: 5 checked (401), the 6th refused (429)', client(13), { 401: 5, 429: 1 }), check: refusedWithHeaders(LOGIN_LIMIT) },
        { ...guesses('6 wrong passwords from client B, right after: its own 5 checked (401), then 429', client(14), { 401: 5, 429: 1 }), check: refusedWithHeaders(LOGIN_LIMIT) },
      ],
    },
    {
      kind: 'scenario',
      id: 'forged-forwarded-for-ignored',
      statement: 'A client that has used its 5 login attempts gets no more by sending an X-Forwarded-For of its own: only the load balancer may name the client.',
      variant: 'memory-store',
      steps: [
        guesses('5 wrong passwords from one client: all checked (401)', client(15), { 401: 5 }),
        {
          ...guesses('3 more, each with a made-up X-Forwarded-For (203.0.113.1): 429, the count is still the socket\'s', client(15), { 429: 3 }, { 'x-forwarded-for': '203.0.113.1' }),
          check: refusedWithHeaders(LOGIN_LIMIT),
        },
        guesses('another made-up address, 198.51.100.9, 2 × X-Forwarded-For: 429', client(15), { 429: 2 }, { 'x-forwarded-for': '198.51.100.9, 198.51.100.10' }),
      ],
    },
    {
      kind: 'scenario',
      id: 'lesson-windows',
      statement: "The limiters tell the client the lesson's windows: 5 logins per 10 minutes, and 15 minutes on the API (RateLimit-Policy, and a reset just under the window).",
      variant: 'memory-store',
      steps: [
        { ...guesses('one wrong password: 401, RateLimit-Policy q=5; w=600 (10 minutes)', client(16), { 401: 1 }), check: tellsWindow(LOGIN_LIMIT, LOGIN_WINDOW_SEC) },
        {
          name: 'GET /api/products: 200, RateLimit-Policy w=900 (15 minutes)',
          path: '/api/products',
          from: client(16),
          expectStatus: 200,
          expect: { json: PRODUCTS },
          // The API's limit is the lab's (a million here, 100 in the lesson): only the window is the lesson's.
          check: tellsWindow(null, API_WINDOW_SEC),
        },
      ],
    },
  ],
  measures: [
    {
      id: 'memory-store-cost',
      statement: 'Throughput with the in-memory limiter, relative to no limiter.',
      metric: 'requestsPerSec',
      numerator: 'memory-store',
      denominator: 'no-limiter',
    },
    {
      id: 'redis-store-cost',
      statement: 'Throughput with the Redis limiter (one Redis round trip per request), relative to no limiter.',
      metric: 'requestsPerSec',
      numerator: 'redis-store',
      denominator: 'no-limiter',
    },
    {
      id: 'redis-vs-memory',
      statement: 'Throughput with the Redis limiter relative to the in-memory one.',
      metric: 'requestsPerSec',
      numerator: 'redis-store',
      denominator: 'memory-store',
    },
  ],
  async calibrate(params, env): Promise<Record<string, number>> {
    if (!env.REDIS_URL) return {};
    const { Redis } = await import('ioredis');
    const redis = new Redis(env.REDIS_URL);
    try {
      for (let i = 0; i < 50; i++) await redis.ping();
      const times: number[] = [];
      for (let i = 0; i < 200; i++) {
        const start = performance.now();
        await redis.ping();
        times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      return { redisRoundTripUs: times[times.length >> 1]! * 1000 };
    } finally {
      redis.disconnect();
    }
  },
  model: {
    statement:
      'redis-store makes one extra Redis round trip per request (an EVALSHA that increments the client\'s counter). ' +
      'A client that waits for each answer pays the round trip in full; with 10 requests in flight the waits overlap, ' +
      'so what throughput loses is the CPU each round trip costs this process and Redis, on the same cores.',
    predict: () => [],
  },
  // The README's `## Exercise` states the task; exercise/wrong/ holds wrong solutions a class hands in.
  exercise: {
    start: 'no-limiter',
    replaces: ['memory-store'],
    claims: ['login-brute-force', 'limit-is-per-client', 'forged-forwarded-for-ignored', 'lesson-windows'],
    hint: 'of 50 wrong passwords from one client, only 5 may reach the password check, the rest refused with 429 and the RateLimit headers before it; each client counts apart, an X-Forwarded-For a client writes itself must not give it a fresh count, and the windows are the lesson\'s (15 minutes on /api, 10 on /login). Is there a limiter on /login, with apiLimit on /api and loginLimit on /login, keyed on the client, and trust proxy left as api.ts sets it?',
  },
  takeaway:
    'Limit per client, stricter where guessing pays (login), and send RateLimit headers and Retry-After so clients can back off. ' +
    'As soon as there are two instances, keep the counts in a shared store such as Redis: in-memory counts multiply the limit by the instance count.',
});
