// Negative control: wrong but fast. Reads spread over both servers but skip the events scan
// and answer a total of 0: far more reads a second, every one of them wrong.
import { serve } from 'devcap/serve';
import { createApi } from '../variants/api.js';
import { nextReadPool } from '../variants/db.js';

serve(
  createApi({
    async read(id) {
      const { rows } = await nextReadPool().query<{ id: number; name: string; value: number }>('SELECT id, name, value FROM items WHERE id = $1', [id]);
      return rows[0] && { ...rows[0], total: 0 };
    },
    wrote: () => {},
  }),
);
