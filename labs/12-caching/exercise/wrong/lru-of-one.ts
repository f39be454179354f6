// Wrong solution: an LRU sized for "the best-seller list", one entry: each category asked for
// pushes out the one before, so clients asking for several categories in turn always miss.
import { LRUCache } from 'lru-cache';
import { serve } from 'devcap/serve';
import { query, type BestSeller } from './db.js';
import { cacheKey, createShop, TTL_SEC } from './shop.js';

const cache = new LRUCache<string, BestSeller[]>({ max: 1, ttl: TTL_SEC * 1000 });

async function bestSellers(category: number): Promise<BestSeller[]> {
  const cached = cache.get(cacheKey(category));
  if (cached) return cached;
  const rows = await query<BestSeller>('bestSellers', [category]);
  cache.set(cacheKey(category), rows);
  return rows;
}

serve(createShop({ bestSellers, forget: (category) => cache.delete(cacheKey(category)) }));
