// Negative control: wrong but fast; rejects `ownership-check-refuses`. The ownership check is
// there, but PATCH /api/orders/:id answers the order with the new quantity without writing
// it: one query fewer, a 200 that looks right, and the database still holds the old one.
import express from 'express';
import { query, serve } from 'devcap/serve';
import { createApi } from '../variants/api.js';
import { roleFromToken } from '../variants/authenticate.js';

const app = express();
app.patch('/api/orders/:id', express.json(), roleFromToken, async (req, res) => {
  const [order] = await query<{ id: number; user_id: number; quantity: number }>('orderById', [Number(req.params.id)]);
  if (!order) return res.status(404).json({ error: 'no such order' });
  if (order.user_id !== Number(req.user!.sub) && req.user!.role !== 'admin') return res.status(403).json({ error: 'forbidden' });
  res.json({ ...order, quantity: Number(req.body.quantity) });
});
app.use(createApi(roleFromToken, { checkOwnership: true }));

serve(app);
