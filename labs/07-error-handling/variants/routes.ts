// The routes, written the way the lesson writes them: async handlers that `await` the
// database and let errors fly (throw, or a rejected await). No try/catch here: whether the
// error middleware ever sees those errors depends on the Express version.
import { join } from 'node:path';
import type { Express } from 'express';
import { findProduct, setPrice } from './products.js';

const MANUALS_DIR = process.env.MANUALS_DIR ?? join(process.cwd(), 'manuals');

export function registerRoutes(app: Express): void {
  app.get('/ping', (req, res) => {
    res.send('pong');
  });

  app.get('/api/products/:id', async (req, res) => {
    const product = await findProduct(req.params.id as string);
    res.json(product);
  });

  // The price is not validated: a body without one reaches the database as NULL.
  app.patch('/api/products/:id', async (req, res) => {
    const product = await setPrice(req.params.id as string, req.body.price);
    res.json(product);
  });

  // A PDF per product, for the products that have one.
  app.get('/api/products/:id/manual', (req, res) => {
    res.sendFile(join(MANUALS_DIR, `${req.params.id}.pdf`));
  });
}
