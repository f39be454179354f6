/**
 * The database process: a real SQL engine (SQLite, compiled to WebAssembly by sql.js)
 * seeded from fixtures/shop (and the accounts of fixtures/users), answering over loopback HTTP the way a database server
 * answers an API. It runs one statement at a time, like a single database connection.
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
import initSqlJs, { type Statement } from 'sql.js';
import { orderRows, productRows, QUERIES as SHOP_QUERIES, SCHEMA } from '../../fixtures/shop.js';
import { CUSTOMER_ORDERS, USER_QUERIES, USERS, USERS_SCHEMA } from '../../fixtures/users.js';
import { queryKey } from '../lab/database.js';
import { serve } from '../lab/serve.js';

const QUERIES = { ...SHOP_QUERIES, ...USER_QUERIES };
type QueryName = keyof typeof QUERIES;

const SQL = await initSqlJs();
const db = new SQL.Database();
db.exec(SCHEMA);
db.exec(USERS_SCHEMA);
db.exec('BEGIN');
const insertProduct = db.prepare('INSERT INTO products VALUES (?, ?, ?, ?)');
for (const row of productRows()) insertProduct.run(row);
insertProduct.free();
const insertOrder = db.prepare('INSERT INTO orders VALUES (?, ?, ?, ?, ?)');
for (const row of orderRows()) insertOrder.run(row);
insertOrder.free();
const insertUser = db.prepare('INSERT INTO users (id, username, role, password_hash) VALUES (?, ?, ?, ?)');
for (const [id, username, role, , passwordHash] of USERS) insertUser.run([id, username, role, passwordHash]);
insertUser.free();
const insertCustomerOrder = db.prepare('INSERT INTO customer_orders VALUES (?, ?, ?, ?)');
for (const row of CUSTOMER_ORDERS) insertCustomerOrder.run(row);
insertCustomerOrder.free();
db.exec('COMMIT');

const statements = new Map<string, Statement>(Object.entries(QUERIES).map(([name, sql]) => [name, db.prepare(sql)]));
const stats = {
  queries: 0,
  byName: Object.fromEntries(Object.keys(QUERIES).map((name) => [name, 0])) as Record<QueryName, number>,
  byQuery: {} as Record<string, number>,
  busyMs: 0,
};


function run(name: QueryName, params: Array<string | number | null>): Record<string, unknown>[] {
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
        return send(res, 200, { rows: run(name as QueryName, params as Array<string | number | null>) });
      } catch (error) {
        // As a database reports a failed statement: the engine's message and the statement's text.
        return send(res, 500, { error: (error as Error).message, statement: QUERIES[name as QueryName].trim() });
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
