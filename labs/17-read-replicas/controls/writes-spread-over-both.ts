// Negative control: every query, writes included, spread over both servers, as if the
// standby could take writes. It cannot: half the writes fail with PostgreSQL's
// "cannot execute UPDATE in a read-only transaction", and the API answers 500.
import { serve } from 'devcap/serve';
import { createApi } from '../variants/api.js';
import { nextReadPool, readItem } from '../variants/db.js';
import express from 'express';

const api = createApi({ read: (id) => readItem(nextReadPool(), id), wrote: () => {} });
const app = express();
app.put('/api/items/:id', express.json(), async (req, res, next) => {
  try {
    const { rows } = await nextReadPool().query('UPDATE items SET value = $2 WHERE id = $1 RETURNING id, name, value', [Number(req.params.id), Number(req.body?.value)]);
    res.json(rows[0]);
  } catch (error) {
    next(error);
  }
});
app.use(api);
serve(app);
