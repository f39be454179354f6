// Cache-aside in this process's memory: an LRU (lru-cache) whose entries expire after
// TTL_SEC. The fastest cache there is, but each instance of the API has its own.
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

serve(createShop({ bestSellers, forget: (category) => cache.delete(cacheKey(category)) }));
