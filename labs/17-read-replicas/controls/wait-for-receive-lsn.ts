// Negative control: waits for the standby to have *received* the write's WAL
// (pg_last_wal_receive_lsn()), not to have replayed it: it hardly waits, and reads a row
// the standby holds on disk but has not applied.
import { serve } from 'devcap/serve';
import { createApi } from '../variants/api.js';
import { nextReadPool, readItem, standby } from '../variants/db.js';

const pendingLsn = new Map<string, string>();

serve(
  createApi({
    async read(id, user) {
      const lsn = user === undefined ? undefined : pendingLsn.get(user);
      if (lsn === undefined) return readItem(nextReadPool(), id);
      const client = await standby.connect();
      try {
        for (;;) {
          const { rows } = await client.query<{ received: boolean }>('SELECT pg_last_wal_receive_lsn() >= $1::pg_lsn AS received', [lsn]);
          if (rows[0]!.received) break;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        pendingLsn.delete(user!);
        return await readItem(client, id);
      } finally {
        client.release();
      }
    },
    wrote(user, lsn) {
      if (user !== undefined) pendingLsn.set(user, lsn);
    },
  }),
);
