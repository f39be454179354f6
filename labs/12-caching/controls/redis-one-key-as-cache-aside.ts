// Negative control: wrong but fast, the seed's `redis.get("products")` shape, one key for
// every category, in the place of cache-aside: the first category cached is served to all.
import { Redis } from 'ioredis';
import { serve } from 'devcap/serve';
import { query, type BestSeller } from '../variants/db.js';
import { createShop, TTL_SEC } from '../variants/shop.js';

const redis = new Redis(process.env.REDIS_URL!, { keyPrefix: process.env.REDIS_KEY_PREFIX });

async function bestSellers(category: number): Promise<BestSeller[]> {
  const cached = await redis.get('best-sellers');
  if (cached) return JSON.parse(cached) as BestSeller[];
  const rows = await query<BestSeller>('bestSellers', [category]);
  await redis.set('best-sellers', JSON.stringify(rows), 'EX', TTL_SEC);
  return rows;
}

serve(createShop({ bestSellers, forget: () => redis.del('best-sellers') }), async () => {
  await redis.quit();
});
