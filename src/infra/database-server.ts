/**
 * The database process: a real SQL engine (SQLite, compiled to WebAssembly by sql.js)
 * seeded with the tables the lab declares (`defineLab({ database })`: the shop of fixtures/shop,
 * the accounts of fixtures/users, a lab's own), answering over loopback HTTP the way a
 * database server answers an API. It runs one statement at a time, like a single database connection.
 *
 *   POST /query  { "name": "bestSellers", "params": [3] }  →  { "rows": [...] }
 *   GET  /stats  →  { "queries": 1234, "byName": { "bestSellers": 1200, ... }, "byQuery": { "bestSellers [3]": 40, ... }, "busyMs": 4567.8 }
 *   GET  /health →  ok
 *   POST /admin/outage?ms=1500  →  stops listening for 1.5 s, then listens again (lab 7)
 *
 * A statement that fails answers 500 { "error": "<engine message>", "statement": "<its SQL>" }.
 * `/stats` counts every statement executed, so labs can report how many requests reached
 * the database; `byQuery` counts them per statement and parameters, so a count can be per key
 * (one category's best sellers), not a total another key's misses could make up.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import initSqlJs, { type Statement } from 'sql.js';
import { queryKey } from '../lab/database.js';
import { serve } from '../lab/serve.js';
import type { AnyLab, SqlValue } from '../lab/types.js';

// The lab whose database this is: its compiled lab.js (importing a lab runs nothing).
const labModule = process.env.DEVCAP_LAB_MODULE;
if (!labModule) throw new Error('the database process needs DEVCAP_LAB_MODULE, the compiled lab.js whose `database` it seeds');
const { database, slug } = ((await import(pathToFileURL(labModule).href)) as { default: AnyLab }).default;
if (!database) throw new Error(`lab ${slug} requires the database but declares no \`database\` (tables, seed, queries)`);

const QUERIES: Record<string, string> = Object.assign({}, ...database.tables.map((tables) => tables.queries ?? {}), database.queries ?? {});

const SQL = await initSqlJs();
const db = new SQL.Database();
for (const tables of database.tables) db.exec(tables.schema);
db.exec('BEGIN');
for (const { insert, rows } of database.tables.flatMap((tables) => tables.seed)) {
  const statement = db.prepare(insert);
  for (const row of rows()) statement.run(row);
  statement.free();
}
db.exec('COMMIT');

const statements = new Map<string, Statement>(Object.entries(QUERIES).map(([name, sql]) => [name, db.prepare(sql)]));
const stats = {
  queries: 0,
  byName: Object.fromEntries(Object.keys(QUERIES).map((name) => [name, 0])),
  byQuery: {} as Record<string, number>,
  busyMs: 0,
};


function run(name: string, params: SqlValue[]): Record<string, unknown>[] {
  const statement = statements.get(name)!;
  const started = performance.now();
  try {
    statement.bind(params);
    const rows: Record<string, unknown>[] = [];
    while (statement.step()) rows.push(statement.getAsObject());
    return rows;
  } finally {
    statement.reset();
    stats.queries++;
    stats.byName[name]++;
    const key = queryKey(name, params);
    stats.byQuery[key] = (stats.byQuery[key] ?? 0) + 1;
    stats.busyMs += performance.now() - started;
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<{ name?: unknown; params?: unknown }> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return JSON.parse(text || '{}') as { name?: unknown; params?: unknown };
}

const server = createServer(async (req, res) => {
  try {
    if (req.method === 'POST' && req.url === '/query') {
      const { name, params = [] } = await readJson(req);
      if (typeof name !== 'string' || !statements.has(name)) return send(res, 400, { error: `unknown query ${String(name)}` });
      if (!Array.isArray(params)) return send(res, 400, { error: 'params must be an array' });
      try {
        return send(res, 200, { rows: run(name, params as SqlValue[]) });
      } catch (error) {
        // As a database reports a failed statement: the engine's message and the statement's text.
        return send(res, 500, { error: (error as Error).message, statement: QUERIES[name]!.trim() });
      }
    }
    if (req.method === 'POST' && req.url?.startsWith('/admin/outage')) {
      const ms = Number(new URL(req.url, 'http://localhost').searchParams.get('ms') ?? 1000);
      res.once('finish', () => outage(ms));
      return send(res, 200, { outageMs: ms });
    }
    if (req.method === 'GET' && req.url === '/stats') return send(res, 200, stats);
    if (req.method === 'GET' && req.url === '/health') return send(res, 200, 'ok');
    send(res, 404, { error: 'not found' });
  } catch (error) {
    send(res, 500, { error: (error as Error).message });
  }
});

/**
 * The database goes down for `ms` milliseconds: it stops listening and drops every
 * connection (clients meet ECONNREFUSED), then listens again on the same port.
 */
function outage(ms: number): void {
  const { port } = server.address() as AddressInfo;
  server.close();
  server.closeAllConnections();
  setTimeout(() => server.listen(port, '127.0.0.1'), ms);
}

serve(server, () => db.close());
