// Negative control: an in-process cache that forgets to delete the cached list when a price
// changes. Reads go on showing the old price until the TTL runs out.
import { LRUCache } from 'lru-cache';
import { serve } from 'devcap/serve';
import { query, type BestSeller } from '../variants/db.js';
import { cacheKey, createShop, TTL_SEC } from '../variants/shop.js';

const cache = new LRUCache<string, BestSeller[]>({ max: 1000, ttl: TTL_SEC * 1000 });

async function bestSellers(category: number): Promise<BestSeller[]> {
  const cached = cache.get(cacheKey(category));
  if (cached) return cached;
  const rows = await query<BestSeller>('bestSellers', [category]);
  cache.set(cacheKey(category), rows);
  return rows;
}

serve(createShop({ bestSellers, forget: () => {} }));
