// Negative control: sticky routing with its window read as seconds and compared with
// milliseconds (STICKY_MS / 1000): the window ends a millisecond after the write, fast and stale.
import { serve } from 'devcap/serve';
import { createApi } from '../variants/api.js';
import { nextReadPool, primary, readItem } from '../variants/db.js';

const STICKY_SEC = Number(process.env.STICKY_MS ?? 1000) / 1000;
const lastWriteAt = new Map<string, number>();

serve(
  createApi({
    read(id, user) {
      const wroteAt = user === undefined ? undefined : lastWriteAt.get(user);
      const recent = wroteAt !== undefined && Date.now() - wroteAt < STICKY_SEC;
      return readItem(recent ? primary : nextReadPool(), id);
    },
    wrote(user) {
      if (user !== undefined) lastWriteAt.set(user, Date.now());
    },
  }),
);
