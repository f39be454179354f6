// CLIENTS subscribers (200 unless the lab sets it) of one kind (CLIENT_KIND: polling,
// long-polling, ws or socket.io), all in this one process, each getting what the server
// publishes. GET /stats reports what they saw: per message, when each client received it;
// the requests and bytes of the last window; how many are connected. Ready when all are.
import { subscribe } from 'node:diagnostics_channel';
import { Agent, request } from 'node:http';
import type { Socket } from 'node:net';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { serve } from 'devcap/serve';

interface Message {
  id: number;
  tag: string;
  sentAt: number;
}

const SERVER_URL = process.env.SERVER_URL!;
const KIND = process.env.CLIENT_KIND ?? 'ws';
const COUNT = Number(process.env.CLIENTS ?? 200);
const INTERVAL_MS = Number(process.env.POLL_INTERVAL_MS ?? 1000);

/** The publisher stamps each message with its clock; this process shares it. */
const now = () => performance.timeOrigin + performance.now();

// Every byte any client sends or receives: each TCP socket this process opens, counted as
// it goes and kept after it closes.
const sockets = new Set<Socket>();
let closedBytes = 0;
subscribe('net.client.socket', (message) => {
  const socket = (message as { socket: Socket }).socket;
  sockets.add(socket);
  socket.once('close', () => {
    closedBytes += socket.bytesRead + socket.bytesWritten;
    sockets.delete(socket);
  });
});
const totalBytes = () => {
  let sum = closedBytes;
  for (const socket of sockets) sum += socket.bytesRead + socket.bytesWritten;
  return sum;
};

let requests = 0; // HTTP requests the clients sent (push clients send none)
const connected = new Set<number>();
let reconnections = 0;
/** tag → client → the latency of its first receipt, in ms: a client that got a message twice counts once. */
const receipts = new Map<string, Map<number, number>>();
/** tag → receipts beyond a client's first. */
const copies = new Map<string, number>();
/** tag → the distinct `sentAt` stamps it arrived with (a few): the publisher's, unless a server rewrote the message. */
const stamps = new Map<string, Set<number>>();

function receive(client: number, messages: Message[]): void {
  const at = now();
  for (const message of messages) {
    if (typeof message.tag !== 'string') continue; // not a published message (a server's own heartbeat)
    const seen = stamps.get(message.tag) ?? new Set<number>();
    if (seen.size < 5) seen.add(message.sentAt);
    stamps.set(message.tag, seen);
    const byClient = receipts.get(message.tag) ?? new Map<number, number>();
    if (byClient.has(client)) copies.set(message.tag, (copies.get(message.tag) ?? 0) + 1);
    else byClient.set(client, at - message.sentAt);
    receipts.set(message.tag, byClient);
  }
}

// Counters every 100 ms, so /stats can tell what the last window cost.
const history: Array<{ at: number; requests: number; bytes: number }> = [];
const sampler = setInterval(() => {
  history.push({ at: now(), requests, bytes: totalBytes() });
  if (history.length > 600) history.shift();
}, 100);
sampler.unref();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

// One keep-alive connection per polling client, as a browser tab has.
const agent = new Agent({ keepAlive: true, maxSockets: COUNT });

interface Answer {
  messages: Message[];
  /** The pace the server asks for, if it asks (X-Poll-Interval, in seconds, as GitHub's events API sends). */
  pollIntervalMs: number | undefined;
}

function getMessages(since: number, timeoutMs: number): Promise<Answer> {
  requests++;
  return new Promise((resolve, reject) => {
    const req = request(`${SERVER_URL}/messages?since=${since}`, { agent, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}`));
        const pace = Number(res.headers['x-poll-interval']);
        resolve({ messages: JSON.parse(body) as Message[], pollIntervalMs: pace > 0 ? pace * 1000 : undefined });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** The newest id a client has seen: what it asks for more than. */
function newest(messages: Message[], since: number): number {
  return messages.reduce((max, message) => Math.max(max, message.id), since);
}

/**
 * Asks every INTERVAL_MS (or at the pace the server asks for); client i starts i/N of an
 * interval late, as clients that arrived at different times do. Resolves once its first
 * question is sent; the loop goes on.
 */
async function pollingClient(i: number): Promise<void> {
  // The first question tells it where the feed is (and maybe the pace); a server that holds
  // questions open may not answer it until there is news, so it counts as connected once sent.
  const first = getMessages(0, 10_000);
  connected.add(i);
  void (async () => {
    let since = 0;
    let interval = INTERVAL_MS;
    try {
      const answer = await first;
      receive(i, answer.messages);
      since = newest(answer.messages, since);
      interval = answer.pollIntervalMs ?? INTERVAL_MS;
    } catch {
      connected.delete(i);
    }
    let due = now() + (interval * i) / COUNT;
    for (;;) {
      await sleep(due - now());
      due += interval;
      try {
        const { messages } = await getMessages(since, 10_000);
        receive(i, messages);
        since = newest(messages, since);
        if (!connected.has(i)) reconnections++;
        connected.add(i);
      } catch {
        connected.delete(i); // the server is away; the next tick asks again
      }
    }
  })();
}

/** Asks again as soon as news arrives; the server holds the request until there is some. */
async function longPollingClient(i: number): Promise<void> {
  let since = 0;
  void (async () => {
    for (;;) {
      const answer = getMessages(since, 60_000);
      connected.add(i);
      try {
        const { messages } = await answer;
        receive(i, messages);
        since = newest(messages, since);
        // An empty answer means the server let the question time out (or does not hold
        // questions at all): pause before the next, so such a server cannot make us spin.
        if (messages.length === 0) await sleep(1000);
      } catch {
        connected.delete(i);
        reconnections++;
        await sleep(200); // the server is away: try again shortly
      }
    }
  })();
}

/** A plain `ws` client: no reconnection unless the code does it, and this code does not. */
function wsClient(i: number): Promise<void> {
  const url = SERVER_URL.replace(/^http/, 'ws');
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.on('open', () => {
      connected.add(i);
      resolve();
    });
    socket.on('message', (data) => receive(i, [JSON.parse(String(data)) as Message]));
    socket.on('close', () => connected.delete(i));
    socket.on('error', reject);
  });
}

/**
 * A socket.io client: it reconnects by itself (here after 100–200 ms, not the default 1–5 s).
 * WebSocket from the start, as the ws clients: no HTTP long-polling handshake to upgrade from.
 */
function socketIoClient(i: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = io(SERVER_URL, { transports: ['websocket'], reconnectionDelay: 100, reconnectionDelayMax: 200 });
    socket.on('connect', () => {
      connected.add(i);
      resolve();
    });
    socket.io.on('reconnect', () => reconnections++);
    socket.on('disconnect', () => connected.delete(i));
    socket.on('message', (message: Message) => receive(i, [message]));
  });
}

const start = { polling: pollingClient, 'long-polling': longPollingClient, ws: wsClient, 'socket.io': socketIoClient }[KIND];
if (!start) throw new Error(`CLIENT_KIND must be polling, long-polling, ws or socket.io, not ${KIND}`);
let everyoneStarted = false;
void Promise.all(Array.from({ length: COUNT }, (_, i) => start(i).catch(() => {}))).then(() => (everyoneStarted = true));

serve((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/ready') {
    res.statusCode = everyoneStarted && connected.size === COUNT ? 200 : 503;
    res.end(`${connected.size} of ${COUNT} connected`);
  } else if (url.pathname === '/stats') {
    // What the clients sent and received over the last windowMs (at most the last minute).
    const windowMs = Number(url.searchParams.get('windowMs') ?? 1000);
    const at = now();
    const from = history.find((sample) => sample.at >= at - windowMs) ?? history[history.length - 1];
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        clients: COUNT,
        connected: connected.size,
        reconnections,
        window: from ? { ms: at - from.at, requests: requests - from.requests, bytes: totalBytes() - from.bytes } : null,
        // Per tag: one latency per client that received it, the copies beyond that, the stamps it came with.
        receipts: Object.fromEntries([...receipts].map(([tag, byClient]) => [tag, [...byClient.values()]])),
        copies: Object.fromEntries(copies),
        stamps: Object.fromEntries([...stamps].map(([tag, seen]) => [tag, [...seen]])),
      }),
    );
  } else {
    res.statusCode = 404;
    res.end();
  }
});
