import { Agent } from 'node:http';
import { type Answer, databaseStats, defineLab, DriveFailed, type ExpectedAnswer, queryDatabase, queryKey, type ScenarioResponse, send, sendConcurrently } from 'devcap/lab';
import { SHOP_TABLES } from '../../fixtures/shop.js';
import { cacheKey } from './variants/cache-key.js';

/**
 * The statement behind every variant's best sellers, and the expensive one: for one category
 * it joins each product to its orders (thousands of rows, through an index), sums, groups and sorts.
 */
const BEST_SELLERS = `
    SELECT p.id, p.name, p.price,
           COUNT(*) AS orders,
           SUM(o.quantity) AS units,
           ROUND(SUM(o.quantity * o.unit_price), 2) AS revenue
    FROM orders o JOIN products p ON p.id = o.product_id
    WHERE p.category = ?
    GROUP BY p.id
    ORDER BY units DESC, p.id
    LIMIT 10`;

const HOT_PATH = '/api/products/best-sellers?category=1';
/**
 * Requests sent after each load to count how many reach the database: the load's categories
 * in turn, so many of each. Hits are counted per category: a cache that kept one category and
 * missed the others could not make up the count with the one.
 */
const COUNTED_PER_CATEGORY = 5;
/** Requests sent at once for a key that is not in the cache: what a hot key meets at expiry. */
const STAMPEDE_REQUESTS = 30;
const CATEGORIES = 20;
/** The categories the load asks for, in turn: a list cached under the wrong key is then wrong, not a hit. */
const LOAD_CATEGORIES = [1, 2, 3, 4];
const COUNTED_REQUESTS = COUNTED_PER_CATEGORY * LOAD_CATEGORIES.length;

/** Statements the database process has executed for each of these categories' best sellers so far. */
async function queriesPerCategory(databaseUrl: string, categories: number[]): Promise<Map<number, number>> {
  const { byQuery } = await databaseStats(databaseUrl);
  return new Map(categories.map((category) => [category, byQuery[queryKey('bestSellers', [category])] ?? 0]));
}

/** An answer of the lab's own requests, and the path it answered. */
type Got = Answer & { path: string };

async function get(port: number, path: string, agent: Agent): Promise<Got> {
  const { status, headers, body } = await send({ port, path, agent, timeoutMs: 10_000 });
  if (status !== 200) throw new DriveFailed(`GET ${path} answered ${status}`);
  return { status, headers, body, path };
}

/**
 * GETs of `paths` in turn, `concurrency` at a time on as many keep-alive connections; their
 * answers. The connections are opened first (with /ping), so the GETs leave together, as
 * they do from clients that are already connected when a hot key expires.
 */
async function getConcurrently(port: number, paths: string[], concurrency: number): Promise<Got[]> {
  const answers: Got[] = [];
  await sendConcurrently({
    concurrency,
    count: paths.length,
    open: (agent) => get(port, '/ping', agent),
    send: async (agent, index) => answers.push(await get(port, paths[index]!, agent)),
  });
  return answers;
}

const bestSellersPath = (category: number) => `/api/products/best-sellers?category=${category}`;

/**
 * Each stampede asks for a category no earlier run of this lab run asked for (Redis keeps
 * keys between runs): 5–20, since the load asks for 1–4 and the scenarios for 1. A run is
 * known by its round and its place in the round.
 */
const coldCategory = (round: number, order: number) => 1 + LOAD_CATEGORIES.length + ((round * 6 + order) % (CATEGORIES - LOAD_CATEGORIES.length));

/** Deletes one key the Redis variants may have cached (ioredis is imported only when a run needs it). */
async function forgetInRedis(url: string, keyPrefix: string | undefined, key: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { keyPrefix, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.del(key);
  } finally {
    redis.disconnect();
  }
}

/** After a price change, the next read of the list shows the new price. */
function showsPrice(price: number) {
  return (response: ScenarioResponse): string | null => {
    const rows = JSON.parse(response.body) as Array<{ id: number; price: number }>;
    const product = rows.find((row) => row.id === 1);
    if (!product) return 'product 1 is not in the best-seller list';
    return product.price === price ? null : `product 1 still shows price ${product.price}, not ${price}: stale`;
  };
}

function invalidationSteps(price: number) {
  return [
    { name: 'read the best sellers (now cached)', path: HOT_PATH, expectStatus: 200 },
    {
      name: `change product 1's price to ${price}`,
      method: 'PUT' as const,
      path: '/api/products/1',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ price }),
      expectStatus: 200,
    },
    { name: 'read the best sellers again: the new price, not the cached one', path: HOT_PATH, expectStatus: 200, check: showsPrice(price) },
  ];
}

export default defineLab({
  day: 12,
  slug: 'caching',
  title: 'Caching: cache-aside in Redis and in process, and the stampede at expiry',
  summary:
    'a real SQL query in a database process: no cache, Redis cache-aside, an in-process LRU; throughput, database queries and hit ratio; the stampede at expiry and request coalescing; invalidation on update',
  claim: 'Cache-aside avoids repeated database work; at expiry, concurrent misses stampede the database unless they are coalesced.',
  requires: ['database', 'redis'],
  // The shop, and the one expensive statement every variant's best sellers come from.
  database: { tables: [SHOP_TABLES], queries: { bestSellers: BEST_SELLERS } },
  variants: {
    'no-cache': { file: 'variants/no-cache.js', summary: 'every request queries the database' },
    'in-process-cache': { file: 'variants/in-process-cache.js', summary: 'cache-aside in an LRU in the API process (lru-cache, TTL)' },
    'redis-cache-aside': { file: 'variants/redis-cache-aside.js', summary: 'cache-aside in Redis with a TTL', requires: ['redis'] },
    'redis-cache-coalesced': {
      file: 'variants/redis-cache-coalesced.js',
      summary: 'cache-aside in Redis, one in-flight query per key',
      requires: ['redis'],
    },
  },
  params: {
    ttlSec: { env: 'CACHE_TTL_SEC', default: 5, min: 1, max: 3600, summary: 'seconds a cached best-seller list lives' },
  },
  workload: {
    path: HOT_PATH,
    // Each category's best sellers, as the database returns them.
    requests: async ({ env }) =>
      Promise.all(
        LOAD_CATEGORIES.map(async (category) => ({
          path: `/api/products/best-sellers?category=${category}`,
          expect: { json: await queryDatabase(env.DATABASE_URL!, 'bestSellers', [category]) },
        })),
      ),
    readyPath: '/ping',
    sizing: { durationSec: 2, warmupRequests: 10, rounds: 5, connections: [10] },
    quick: { durationSec: 1, warmupRequests: 10, rounds: 5, connections: [10] },
  },
  metrics: {
    hitRatio: { label: 'hit ratio', unit: 'ratio', better: 'higher' },
    dbQueriesPer100Requests: { label: 'DB queries per 100 req', unit: 'count', better: 'lower' },
    stampedeQueries: { label: 'stampede queries', unit: 'count', better: 'lower' },
  },
  async drive({ port, connections, env, round, order, requests, checkAnswer }) {
    const databaseUrl = env.DATABASE_URL!;
    const expected = new Map(requests.map((request) => [request.path, request.expect]));
    const check = (answers: Got[], expectOf: (path: string) => ExpectedAnswer | undefined) => {
      for (const answer of answers) {
        const expect = expectOf(answer.path);
        if (expect) checkAnswer(expect, answer, `GET ${answer.path}`);
      }
    };
    // After the load, with the cache as the load left it: how many requests reach the
    // database, for each category? Every answer is checked too, as on the load.
    const paths = Array.from({ length: COUNTED_REQUESTS }, (_, i) => bestSellersPath(LOAD_CATEGORIES[i % LOAD_CATEGORIES.length]!));
    const before = await queriesPerCategory(databaseUrl, LOAD_CATEGORIES);
    check(await getConcurrently(port, paths, connections), (path) => expected.get(path));
    const after = await queriesPerCategory(databaseUrl, LOAD_CATEGORIES);
    const misses = LOAD_CATEGORIES.map((category) => after.get(category)! - before.get(category)!);
    const counted = misses.reduce((sum, count) => sum + count, 0);
    // A key that is not cached, asked for by many clients at once: the moment a hot key expires.
    const category = coldCategory(round, order);
    // Past 19 runs the categories come round again, and with a long --set ttlSec the key of an
    // earlier run could still be in Redis: the stampede then finds it cached and sends no
    // query at all. Deleting it first keeps every stampede a real miss.
    if (env.REDIS_URL) await forgetInRedis(env.REDIS_URL, env.REDIS_KEY_PREFIX, cacheKey(category));
    const stampedeAnswer: ExpectedAnswer = { json: await queryDatabase(databaseUrl, 'bestSellers', [category]) };
    const stampedeBefore = await queriesPerCategory(databaseUrl, [category]);
    check(await getConcurrently(port, Array.from({ length: STAMPEDE_REQUESTS }, () => bestSellersPath(category)), STAMPEDE_REQUESTS), () => stampedeAnswer);
    const stampede = (await queriesPerCategory(databaseUrl, [category])).get(category)! - stampedeBefore.get(category)!;
    return {
      // The worst category's: every key must be spared the database, not the total.
      hitRatio: Math.min(...misses.map((count) => 1 - count / COUNTED_PER_CATEGORY)),
      dbQueriesPer100Requests: (counted * 100) / COUNTED_REQUESTS,
      stampedeQueries: stampede,
    };
  },
  report: {
    columns: ['requestsPerSec', 'latencyP50Ms', 'latencyP99Ms', 'hitRatio', 'dbQueriesPer100Requests', 'stampedeQueries'],
  },
  controls: {
    'redis-one-key-as-cache-aside': {
      file: 'controls/redis-one-key-as-cache-aside.js',
      replaces: 'redis-cache-aside',
      summary: 'wrong but fast: one Redis key for every category (the seed\'s redis.get("products")), the first category served to all',
      rejects: ['redis-cache-throughput', 'redis-cache-spares-the-database'],
      expect: 'invalid',
    },
    'no-cache-as-in-process': {
      file: 'controls/no-cache-as-in-process.js',
      replaces: 'in-process-cache',
      summary: 'no cache in the place of the in-process one',
      rejects: ['in-process-cache-throughput', 'in-process-cache-spares-the-database'],
    },
    'no-cache-as-redis': {
      file: 'controls/no-cache-as-redis.js',
      replaces: 'redis-cache-aside',
      summary: 'no cache in the place of the Redis one',
      rejects: ['redis-cache-throughput', 'redis-cache-spares-the-database'],
    },
    'coalesced-as-in-process': {
      file: 'controls/coalesced-as-in-process.js',
      replaces: 'in-process-cache',
      summary: 'the coalescing cache in the place of the in-process one',
      rejects: ['in-process-cache-stampedes'],
    },
    'coalesced-as-cache-aside': {
      file: 'controls/coalesced-as-cache-aside.js',
      replaces: 'redis-cache-aside',
      summary: 'the coalescing cache in the place of plain cache-aside',
      rejects: ['cache-aside-stampedes'],
    },
    'cache-aside-as-coalesced': {
      file: 'controls/cache-aside-as-coalesced.js',
      replaces: 'redis-cache-coalesced',
      summary: 'plain cache-aside in the place of the coalescing cache',
      rejects: ['coalescing-stops-the-stampede'],
    },
    'redis-cache-without-invalidation': {
      file: 'controls/redis-cache-without-invalidation.js',
      replaces: 'redis-cache-aside',
      summary: 'a Redis cache that forgets to delete the list on a write',
      rejects: ['redis-cache-invalidated-on-write'],
    },
    'coalescer-keeps-every-answer': {
      file: 'controls/coalescer-keeps-every-answer.js',
      replaces: 'redis-cache-coalesced',
      summary: 'a coalescing cache that never deletes a settled query from its in-flight map',
      rejects: ['coalesced-cache-invalidated-on-write'],
    },
    'in-process-cache-without-invalidation': {
      file: 'controls/in-process-cache-without-invalidation.js',
      replaces: 'in-process-cache',
      summary: 'an in-process cache that forgets to delete the list on a write',
      rejects: ['in-process-cache-invalidated-on-write'],
    },
  },
  claims: [
    {
      kind: 'ratio',
      id: 'in-process-cache-throughput',
      statement: 'An in-process cache serves at least 5× the requests of querying the database every time.',
      metric: 'requestsPerSec',
      numerator: 'in-process-cache',
      denominator: 'no-cache',
      atLeast: 5,
    },
    {
      kind: 'ratio',
      id: 'redis-cache-throughput',
      statement: 'A Redis cache, one network round trip away, still serves at least 5× the requests of no cache.',
      metric: 'requestsPerSec',
      numerator: 'redis-cache-aside',
      denominator: 'no-cache',
      atLeast: 5,
    },
    {
      kind: 'count',
      id: 'in-process-cache-spares-the-database',
      statement: `With the in-process cache, most requests never reach the database: of ${COUNTED_PER_CATEGORY} counted for each of ${LOAD_CATEGORIES.length} categories asked in turn, at least half are hits, in every category (no-cache: none).`,
      metric: 'hitRatio',
      variant: 'in-process-cache',
      atLeast: 0.5,
    },
    {
      kind: 'count',
      id: 'redis-cache-spares-the-database',
      statement: `With the Redis cache, most requests never reach the database: of ${COUNTED_PER_CATEGORY} counted for each of ${LOAD_CATEGORIES.length} categories asked in turn, at least half are hits, in every category.`,
      metric: 'hitRatio',
      variant: 'redis-cache-aside',
      atLeast: 0.5,
    },
    {
      kind: 'count',
      id: 'cache-aside-stampedes',
      statement: `Plain cache-aside stampedes: ${STAMPEDE_REQUESTS} concurrent misses on one key send at least 10 queries to the database.`,
      metric: 'stampedeQueries',
      variant: 'redis-cache-aside',
      atLeast: 10,
    },
    {
      kind: 'count',
      id: 'in-process-cache-stampedes',
      statement: `An in-process cache stampedes too: ${STAMPEDE_REQUESTS} concurrent misses send at least 10 queries.`,
      metric: 'stampedeQueries',
      variant: 'in-process-cache',
      atLeast: 10,
    },
    {
      kind: 'count',
      id: 'coalescing-stops-the-stampede',
      statement: `With one in-flight query per key, ${STAMPEDE_REQUESTS} concurrent misses send exactly one query.`,
      metric: 'stampedeQueries',
      variant: 'redis-cache-coalesced',
      equals: 1,
    },
    {
      kind: 'scenario',
      id: 'redis-cache-invalidated-on-write',
      statement: 'A price change deletes the cached list in Redis: the next read shows the new price.',
      variant: 'redis-cache-aside',
      steps: invalidationSteps(111.11),
    },
    {
      kind: 'scenario',
      id: 'coalesced-cache-invalidated-on-write',
      statement: 'With coalescing too, a price change shows in the next read: a query that has answered is not kept as a second cache.',
      variant: 'redis-cache-coalesced',
      // The first write empties Redis, so the first read is a miss that goes through the in-flight map.
      steps: [{ ...invalidationSteps(333.33)[1]!, name: "change product 1's price to 333.33, so the next read misses Redis" }, ...invalidationSteps(444.44)],
    },
    {
      kind: 'scenario',
      id: 'in-process-cache-invalidated-on-write',
      statement: 'A price change deletes the cached list in this process: the next read from this process shows the new price.',
      variant: 'in-process-cache',
      steps: invalidationSteps(222.22),
    },
  ],
  measures: [
    {
      id: 'in-process-vs-redis',
      statement: 'Throughput of the in-process cache relative to the Redis cache (no network round trip, no JSON parse).',
      metric: 'requestsPerSec',
      numerator: 'in-process-cache',
      denominator: 'redis-cache-aside',
    },
  ],
  async calibrate(params, env): Promise<Record<string, number>> {
    const run = () =>
      fetch(`${env.DATABASE_URL}/query`, { method: 'POST', body: JSON.stringify({ name: 'bestSellers', params: [1] }), signal: AbortSignal.timeout(10_000) }).then((response) => response.json());
    const busyMs = async () => ((await (await fetch(`${env.DATABASE_URL}/stats`, { signal: AbortSignal.timeout(10_000) })).json()) as { busyMs: number }).busyMs;
    for (let i = 0; i < 5; i++) await run();
    const before = await busyMs();
    for (let i = 0; i < 20; i++) await run();
    return { queryMs: ((await busyMs()) - before) / 20 };
  },
  model: {
    statement:
      'The database runs one statement at a time, and the best-sellers query takes queryMs of it. Without a cache every request ' +
      'waits for one: at most 1000 / queryMs req/s, however many API processes there are. With a cache, one query per key per TTL.',
    predict: ({ calibration }) => [
      {
        variant: 'no-cache',
        metric: 'requestsPerSec',
        value: 1000 / calibration.queryMs!,
        reasoning: `1000 / ${calibration.queryMs!.toFixed(1)} ms`,
      },
    ],
  },
  // The README's `## Exercise` states the task; exercise/wrong/ holds wrong solutions a class hands in.
  exercise: {
    start: 'no-cache',
    replaces: ['in-process-cache'],
    claims: ['in-process-cache-throughput', 'in-process-cache-spares-the-database', 'in-process-cache-invalidated-on-write'],
    hint: 'best-seller requests of every category must mostly be answered without the database, the shop must serve at least 5× the uncached requests a second, and a price change must show in the next read. Does a repeated category still run the query? Does forget drop the list?',
  },
  takeaway:
    'Cache what is read far more often than it changes, delete the entry when you write, and coalesce misses so an expiry costs one query, not a stampede. ' +
    'With more than one instance, keep the cache in Redis: per-process caches multiply the misses and cannot all be invalidated by one write.',
});
