// One of the three services behind the gateway: profile, orders or notifications (SERVICE).
// It answers after its own response time (a stand-in for its work, the lab's knob), counts
// every request that reaches it, and takes a fault on cue: slow, or failing slowly.
import { createServer, type ServerResponse } from 'node:http';
import { text } from 'node:stream/consumers';
import { serve } from 'devcap/serve';
import { parts } from './parts.js';

const name = process.env.SERVICE!;
const responseMs = Number(process.env[`${name.toUpperCase()}_MS`] ?? 100);

interface Fault {
  mode: 'healthy' | 'slow' | 'failing';
  ms: number;
}
let fault: Fault = { mode: 'healthy', ms: 0 };
let received = 0;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

// The gateway names the user it has authenticated in x-user-id; the service trusts it (it is not reachable from outside).
const server = createServer(async (req, res) => {
  if (req.url === '/health') return json(res, 200, 'ok');
  if (req.url === '/stats') return json(res, 200, { received });
  // What the lab's scenarios call to break this service, and to heal it.
  if (req.method === 'POST' && req.url === '/admin/fault') {
    fault = JSON.parse(await text(req)) as Fault;
    return json(res, 200, fault);
  }
  // `/profile/` too: what the gateway's proxy sends for a client's `/profile`.
  const path = new URL(req.url!, 'http://service').pathname.replace(/\/$/, '');
  if (req.method !== 'GET' || path !== `/${name}`) return json(res, 404, { error: 'not found' });
  received++;
  if (fault.mode === 'failing') {
    // Overloaded: it takes its time, then gives up.
    await sleep(fault.ms);
    return json(res, 503, { error: `${name} is unavailable` });
  }
  await sleep(fault.mode === 'slow' ? fault.ms : responseMs);
  json(res, 200, parts[name]!(String(req.headers['x-user-id'])));
});

serve(server);
