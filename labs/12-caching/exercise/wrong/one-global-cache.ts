// Wrong solution: one cached list for the whole shop, the seed's `redis.get("products")` shape
// in a variable: the first category asked for is served to every category after it.
import { serve } from 'devcap/serve';
import { query, type BestSeller } from './db.js';
import { createShop } from './shop.js';

let cached: BestSeller[] | undefined;

async function bestSellers(category: number): Promise<BestSeller[]> {
  if (!cached) cached = await query<BestSeller>('bestSellers', [category]);
  return cached;
}

serve(createShop({ bestSellers, forget: () => (cached = undefined) }));
