// Negative control: wrong but fast, Express 5 with the route's `await` forgotten. res.json
// gets the pending Promise and serialises it as {}, at once; the product never reaches the client.
import express, { type NextFunction, type Request, type Response } from 'express';
import { serve } from 'devcap/serve';
import type { AppError } from '../variants/errors.js';
import { findProduct } from '../variants/products.js';

const app = express();
app.use(express.json());
app.get('/ping', (req, res) => {
  res.send('pong');
});
app.get('/api/products/:id', async (req, res) => {
  const product = findProduct(req.params.id as string);
  res.json(product);
});

app.use((err: AppError, req: Request, res: Response, next: NextFunction) => {
  res.status(err.status || 500).json({ message: err.message });
});

serve(app);
