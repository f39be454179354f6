/**
 * What a lab asks the embedded database process itself (src/infra/database-server.ts), over
 * the same loopback HTTP its variants use: a named query's rows (the correct answer to a
 * request, as the database returns it) and the statements executed so far.
 */
import { send } from './http.js';

const TIMEOUT_MS = 10_000;

function portOf(databaseUrl: string): number {
  return Number(new URL(databaseUrl).port);
}

/** The rows of one of the database's named queries, e.g. `queryDatabase(url, 'bestSellers', [3])`. */
export async function queryDatabase<Row = Record<string, unknown>>(databaseUrl: string, name: string, params: unknown[] = []): Promise<Row[]> {
  const answer = await send({
    port: portOf(databaseUrl),
    path: '/query',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, params }),
    timeoutMs: TIMEOUT_MS,
  });
  if (answer.status !== 200) throw new Error(`query ${name} answered ${answer.status}: ${answer.body.slice(0, 200)}`);
  return (JSON.parse(answer.body) as { rows: Row[] }).rows;
}

export interface DatabaseStats {
  queries: number;
  byName: Record<string, number>;
  /** By query name and parameters, as `queryKey` names them: what one key cost the database. */
  byQuery: Record<string, number>;
  busyMs: number;
}

/** How the database's `byQuery` names a statement run with these parameters, e.g. `bestSellers [3]`. */
export const queryKey = (name: string, params: unknown[]): string => `${name} ${JSON.stringify(params)}`;

/** Statements the database has executed so far, in all, by query name and by name and parameters, and the time it spent on them. */
export async function databaseStats(databaseUrl: string): Promise<DatabaseStats> {
  const answer = await send({ port: portOf(databaseUrl), path: '/stats', timeoutMs: TIMEOUT_MS });
  if (answer.status !== 200) throw new Error(`the database's /stats answered ${answer.status}`);
  return JSON.parse(answer.body) as DatabaseStats;
}
