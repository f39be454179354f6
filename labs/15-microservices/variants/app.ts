// What every process of the shop shares: a small JSON-over-HTTP server with a request id on
// every request and one log line per request carrying it (and the client's port: which
// connection it came on), so one order can be followed through every log.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { OrderError } from './shop.js';

export interface Reply {
  status: number;
  body: unknown;
}

/** Handles a POST's parsed JSON body; `requestId` is the caller's, to pass on. */
export type Handler = (body: any, requestId: string) => Reply | Promise<Reply>;

async function readJson(req: IncomingMessage): Promise<any> {
  let text = '';
  req.setEncoding('utf8');
  for await (const chunk of req) text += chunk;
  return text ? JSON.parse(text) : {};
}

/** The CPU time this process has spent so far, in ms: what a service exposes for its dashboards. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * `routes` by path, each answering POST. `GET /ping` answers every process's readiness
 * check and `GET /metrics` its CPU time so far.
 */
export function createService(service: string, routes: Record<string, Handler>): Server {
  return createServer(async (req, res) => {
    // The caller's id if it sent one, so the whole order shares one id across services.
    const requestId = (req.headers['x-request-id'] as string | undefined) ?? randomUUID();
    const started = performance.now();
    res.on('finish', () => {
      const ms = (performance.now() - started).toFixed(2);
      console.log(`${new Date().toISOString()} ${service} ${requestId} ${req.method} ${req.url} ${res.statusCode} ${ms}ms from :${req.socket.remotePort}`);
    });
    let reply: Reply;
    try {
      const handler = routes[req.url!];
      if (req.method === 'GET' && req.url === '/ping') reply = { status: 200, body: 'pong' };
      else if (req.method === 'GET' && req.url === '/metrics') reply = { status: 200, body: { cpuMs: cpuMs() } };
      else if (req.method === 'POST' && handler) reply = await handler(await readJson(req), requestId);
      else reply = { status: 404, body: { error: `no ${req.method} ${req.url}` } };
    } catch (error) {
      // Refusals keep their status (404 unknown user, 409 out of stock); anything else is a 500.
      reply = { status: error instanceof OrderError ? error.status : 500, body: { error: error instanceof Error ? error.message : String(error) } };
    }
    const text = JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-request-id': requestId });
    res.end(text);
  });
}
