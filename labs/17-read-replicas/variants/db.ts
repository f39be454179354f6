// Two database servers: the primary, which takes every write, and a hot standby that
// replays the primary's write-ahead log and answers reads. A pool per server.
import pg from 'pg';
import { ITEM_SQL } from './queries.js';

const POOL_SIZE = Number(process.env.POOL_SIZE ?? 1);

export const primary = new pg.Pool({ connectionString: process.env.POSTGRES_PRIMARY_URL, max: POOL_SIZE });
export const standby = new pg.Pool({ connectionString: process.env.POSTGRES_STANDBY_URL, max: POOL_SIZE });

export interface Item {
  id: number;
  name: string;
  value: number;
  /** The sum of the item's events: a scan of the events table, the work a read costs the server. */
  total: number;
}


export async function readItem(db: pg.Pool | pg.PoolClient, id: number): Promise<Item | undefined> {
  return (await db.query<Item>(ITEM_SQL, [id])).rows[0];
}

/** Writes on the primary; the answer carries the WAL position just past the commit, which a standby must replay to show it. */
export async function writeItem(id: number, value: number): Promise<(Item & { lsn: string }) | undefined> {
  const client = await primary.connect();
  try {
    const { rows } = await client.query<Omit<Item, 'total'>>('UPDATE items SET value = $2 WHERE id = $1 RETURNING id, name, value', [id, value]);
    if (!rows[0]) return undefined;
    const { rows: position } = await client.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    return { ...rows[0], total: 0, lsn: position[0]!.lsn };
  } finally {
    client.release();
  }
}

/** Reads alternate between the two servers: each takes half. */
let turn = 0;
export function nextReadPool(): pg.Pool {
  turn = (turn + 1) % 2;
  return turn === 0 ? primary : standby;
}
