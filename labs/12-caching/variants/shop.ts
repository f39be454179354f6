// The shop API every variant serves. The variants differ only in `bestSellers` (how the
// expensive query is cached) and `forget` (what a price change must drop from the cache).
import express from 'express';
import { query, type BestSeller, type Product } from './db.js';

export interface Catalogue {
  bestSellers(category: number): Promise<BestSeller[]>;
  forget(category: number): unknown;
}

export const TTL_SEC = Number(process.env.CACHE_TTL_SEC ?? 5);
export { cacheKey } from './cache-key.js';

export function createShop(catalogue: Catalogue): express.Express {
  const app = express();

  app.get('/ping', (req, res) => {
    res.send('pong');
  });

  // The ten best sellers of a category: a join over thousands of orders, a few ms of database time.
  app.get('/api/products/best-sellers', async (req, res) => {
    res.json(await catalogue.bestSellers(Number(req.query.category ?? 1)));
  });

  // A price change: write to the database, then drop the cached list that shows the old price.
  app.put('/api/products/:id', express.json(), async (req, res) => {
    const [product] = await query<Product>('updateProductPrice', [Number(req.body?.price), Number(req.params.id)]);
    if (!product) {
      res.status(404).json({ error: 'no such product' });
      return;
    }
    await catalogue.forget(product.category);
    res.json(product);
  });

  return app;
}
