// Cache-aside in Redis, plus request coalescing: while one query for a key is on its way,
// every other miss for that key waits for it instead of sending its own. At expiry the
// database sees one query per instance, not one per waiting request.
import { Redis } from 'ioredis';
import { serve } from 'devcap/serve';
import { query, type BestSeller } from './db.js';
import { cacheKey, createShop, TTL_SEC } from './shop.js';

const redis = new Redis(process.env.REDIS_URL!, { keyPrefix: process.env.REDIS_KEY_PREFIX });
const inFlight = new Map<string, Promise<BestSeller[]>>();

async function load(category: number): Promise<BestSeller[]> {
  const rows = await query<BestSeller>('bestSellers', [category]);
  await redis.set(cacheKey(category), JSON.stringify(rows), 'EX', TTL_SEC);
  return rows;
}

async function bestSellers(category: number): Promise<BestSeller[]> {
  const key = cacheKey(category);
  const cached = await redis.get(key);
  if (cached) return JSON.parse(cached) as BestSeller[];
  let pending = inFlight.get(key);
  if (!pending) {
    pending = load(category).finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  return pending;
}

serve(createShop({ bestSellers, forget: (category) => redis.del(cacheKey(category)) }), async () => {
  await redis.quit();
});
