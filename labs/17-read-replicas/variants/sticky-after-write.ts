// Read-your-writes by routing: for STICKY_MS after a user's own write, that user's reads go
// to the primary, which has it; everyone else's reads are spread as before.
import { serve } from 'devcap/serve';
import { createApi } from './api.js';
import { nextReadPool, primary, readItem } from './db.js';

const STICKY_MS = Number(process.env.STICKY_MS ?? 1000);
const lastWriteAt = new Map<string, number>();

serve(
  createApi({
    read(id, user) {
      const wroteAt = user === undefined ? undefined : lastWriteAt.get(user);
      const recent = wroteAt !== undefined && Date.now() - wroteAt < STICKY_MS;
      return readItem(recent ? primary : nextReadPool(), id);
    },
    wrote(user) {
      if (user !== undefined) lastWriteAt.set(user, Date.now());
    },
  }),
);
