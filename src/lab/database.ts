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

/** Statements the database has executed so far, in all and by query name, and the time it spent on them. */
export async function databaseStats(databaseUrl: string): Promise<{ queries: number; byName: Record<string, number>; busyMs: number }> {
  const answer = await send({ port: portOf(databaseUrl), path: '/stats', timeoutMs: TIMEOUT_MS });
  if (answer.status !== 200) throw new Error(`the database's /stats answered ${answer.status}`);
  return JSON.parse(answer.body) as { queries: number; byName: Record<string, number>; busyMs: number };
}
