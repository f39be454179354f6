// Cache-aside in Redis: look in Redis first; on a miss, query the database and store the
// answer with a TTL. Every instance of the API shares the cache. When a key expires, every
// request that misses before the first answer is stored queries the database: a stampede.
import { Redis } from 'ioredis';
import { serve } from 'devcap/serve';
import { query, type BestSeller } from './db.js';
import { cacheKey, createShop, TTL_SEC } from './shop.js';

// (REDIS_KEY_PREFIX keeps one devcap run's keys apart from another's on a shared Redis.)
const redis = new Redis(process.env.REDIS_URL!, { keyPrefix: process.env.REDIS_KEY_PREFIX });

async function bestSellers(category: number): Promise<BestSeller[]> {
  const cached = await redis.get(cacheKey(category));
  if (cached) return JSON.parse(cached) as BestSeller[];
  const rows = await query<BestSeller>('bestSellers', [category]);
  await redis.set(cacheKey(category), JSON.stringify(rows), 'EX', TTL_SEC);
  return rows;
}

serve(createShop({ bestSellers, forget: (category) => redis.del(cacheKey(category)) }), async () => {
  await redis.quit();
});
