// Negative control: cache-aside in Redis that forgets to delete the cached list when a price
// changes. Reads go on showing the old price until the TTL runs out.
import { Redis } from 'ioredis';
import { serve } from 'devcap/serve';
import { query, type BestSeller } from '../variants/db.js';
import { cacheKey, createShop, TTL_SEC } from '../variants/shop.js';

const redis = new Redis(process.env.REDIS_URL!, { keyPrefix: process.env.REDIS_KEY_PREFIX });

async function bestSellers(category: number): Promise<BestSeller[]> {
  const cached = await redis.get(cacheKey(category));
  if (cached) return JSON.parse(cached) as BestSeller[];
  const rows = await query<BestSeller>('bestSellers', [category]);
  await redis.set(cacheKey(category), JSON.stringify(rows), 'EX', TTL_SEC);
  return rows;
}

serve(createShop({ bestSellers, forget: async () => {} }), async () => {
  await redis.quit();
});
