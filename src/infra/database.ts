/**
 * The database process labs query over loopback HTTP (see database-server.ts), seeded with
 * what the lab declares. One per lab run, started before any variant, owned by the cleanup registry like every child.
 */
import { fileURLToPath } from 'node:url';
import type { ProcessHost } from './host.js';

const SERVER = fileURLToPath(new URL('./database-server.js', import.meta.url));

export interface RunningDatabase {
  url: string;
  release(): Promise<void>;
}

/** `labModule`: the compiled lab.js whose `database` (tables, seed rows, statements) the process loads. */
export async function startDatabase(host: ProcessHost, labModule: string): Promise<RunningDatabase> {
  const server = await host.startNode({ name: 'database', file: SERVER, env: { DEVCAP_LAB_MODULE: labModule }, readyPath: '/health' });
  return { url: `http://127.0.0.1:${server.port}`, release: () => server.stop() };
}

/** Statements the database has executed since it started, in total and by name. */
export async function databaseStats(url: string): Promise<{ queries: number; byName: Record<string, number>; busyMs: number }> {
  const response = await fetch(`${url}/stats`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`database /stats answered ${response.status}`);
  return (await response.json()) as { queries: number; byName: Record<string, number>; busyMs: number };
}
