// Read-your-writes by waiting: a user who has written reads on the standby only once the
// standby has replayed past that write's WAL position (pg_last_wal_replay_lsn()).
import { serve } from 'devcap/serve';
import { createApi } from './api.js';
import { nextReadPool, primary, readItem, standby } from './db.js';

const MAX_WAIT_MS = Number(process.env.MAX_WAIT_MS ?? 5000);
const POLL_MS = 5;
const pendingLsn = new Map<string, string>();

serve(
  createApi({
    async read(id, user) {
      const lsn = user === undefined ? undefined : pendingLsn.get(user);
      if (lsn === undefined) return readItem(nextReadPool(), id);
      const client = await standby.connect();
      try {
        const deadline = Date.now() + MAX_WAIT_MS;
        for (;;) {
          const { rows } = await client.query<{ replayed: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS replayed', [lsn]);
          if (rows[0]!.replayed) break;
          // A standby that falls this far behind is no place for this read: the primary has it.
          if (Date.now() > deadline) return readItem(primary, id);
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        }
        if (pendingLsn.get(user!) === lsn) pendingLsn.delete(user!);
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
