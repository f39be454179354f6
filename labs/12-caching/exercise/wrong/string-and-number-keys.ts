// Wrong solution: a Map as the cache, written under the category as the query string gives it
// ("3") and read under the number the shop passes (3): a Map tells "3" from 3, so every
// request misses, queries the database and stores one more copy.
import { serve } from 'devcap/serve';
import { query, type BestSeller } from './db.js';
import { createShop } from './shop.js';

const cache = new Map<string | number, BestSeller[]>();

async function bestSellers(category: number): Promise<BestSeller[]> {
  const cached = cache.get(category);
  if (cached) return cached;
  const rows = await query<BestSeller>('bestSellers', [category]);
  cache.set(String(category), rows);
  return rows;
}

serve(createShop({ bestSellers, forget: (category) => cache.delete(String(category)) }));
