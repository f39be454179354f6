// Wrong solution: cache-aside in an LRU, keyed by category, but `forget` does nothing: a price
// change is written to the database and the cached list goes on showing the old price.
import { LRUCache } from 'lru-cache';
import { serve } from 'devcap/serve';
import { query, type BestSeller } from './db.js';
import { cacheKey, createShop, TTL_SEC } from './shop.js';

const cache = new LRUCache<string, BestSeller[]>({ max: 1000, ttl: TTL_SEC * 1000 });

async function bestSellers(category: number): Promise<BestSeller[]> {
  const cached = cache.get(cacheKey(category));
  if (cached) return cached;
  const rows = await query<BestSeller>('bestSellers', [category]);
  cache.set(cacheKey(category), rows);
  return rows;
}

// The TTL will take care of it.
serve(createShop({ bestSellers, forget: () => {} }));
