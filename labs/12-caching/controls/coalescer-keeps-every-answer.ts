// Negative control: request coalescing that never deletes a query from its in-flight map once
// it has settled. The map becomes a second cache with no TTL and no invalidation: after a
// price change the old list is served for ever (and a query that failed would fail for ever).
import { Redis } from 'ioredis';
import { serve } from 'devcap/serve';
import { query, type BestSeller } from '../variants/db.js';
import { cacheKey, createShop, TTL_SEC } from '../variants/shop.js';

const redis = new Redis(process.env.REDIS_URL!, { keyPrefix: process.env.REDIS_KEY_PREFIX });
const inFlight = new Map<string, Promise<BestSeller[]>>();

async function load(key: string, category: number): Promise<BestSeller[]> {
  const rows = await query<BestSeller>('bestSellers', [category]);
  await redis.set(key, JSON.stringify(rows), 'EX', TTL_SEC);
  return rows;
}

async function bestSellers(category: number): Promise<BestSeller[]> {
  const key = cacheKey(category);
  const cached = await redis.get(key);
  if (cached) return JSON.parse(cached) as BestSeller[];
  // The bug: nothing ever deletes the entry once the query has settled.
  if (!inFlight.has(key)) inFlight.set(key, load(key, category));
  return inFlight.get(key)!;
}

serve(createShop({ bestSellers, forget: (category) => redis.del(cacheKey(category)) }), async () => {
  await redis.quit();
});
