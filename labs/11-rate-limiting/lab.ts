import { defineLab } from '../../src/lab/define.js';
import type { ScenarioResponse } from '../../src/lab/types.js';
import { PRODUCTS } from './variants/products.js';

/** The per-client limit in the scenarios: requests a minute on /api. */
const LIMIT = 20;
/** The throughput runs measure what checking the limit costs, never a refusal: no load comes near this. */
const UNREACHED_LIMIT = '1000000';
/** Each scenario plays its own client (X-Forwarded-For, through the trusted local proxy), so none sees another's counts. */
const client = (n: number) => ({ 'x-forwarded-for': `203.0.113.${n}` });

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
          headers: client(10),
          repeat: 3 * LIMIT,
          expectStatusCounts: { 200: LIMIT, 429: 2 * LIMIT },
          check: refusedWithHeaders(LIMIT),
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
          headers: client(11),
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
          name: '50 wrong passwords from one client: 5 checked and rejected (401), 45 refused before the check (429)',
          method: 'POST',
          path: '/login',
          headers: { ...client(12), 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'ada', password: 'password123' }),
          repeat: 50,
          expectStatusCounts: { 401: 5, 429: 45 },
          check: refusedWithHeaders(5),
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
  takeaway:
    'Limit per client, stricter where guessing pays (login), and send RateLimit headers and Retry-After so clients can back off. ' +
    'As soon as there are two instances, keep the counts in a shared store such as Redis: in-memory counts multiply the limit by the instance count.',
});
