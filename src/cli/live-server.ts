import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PortDenied, UsageError } from '../errors.js';
import { LIVE_CSP, renderLivePage } from '../report/live.js';
import type { RunEvent } from '../report/result.js';

/** How long the end of a run waits for open pages to receive the final page. */
const FLUSH_GRACE_MS = 2000;

/** What the live page's event stream carries: the run's own events, then the final page and the end. */
export type LiveEvent = RunEvent | { type: 'page'; html: string } | { type: 'end' };

export interface LiveServer {
  url: string;
  publish(event: LiveEvent): void;
  /** Sends the final page, ends every stream and closes the server: the page ends with the run. */
  finish(html: string | null): Promise<void>;
}

/**
 * `--live`: a page on 127.0.0.1 and its event stream. Every event is kept with an id, so a
 * page that connects late, or reconnects (EventSource sends Last-Event-ID), is sent
 * everything it missed and draws the run as far as it has gone. Only this page and its
 * stream are served; a request naming another host (a DNS-rebinding page) is refused.
 */
export async function startLiveServer(title: string, port = 0): Promise<LiveServer> {
  const page = renderLivePage(title);
  const sent: Array<{ id: number; type: string; data: string }> = [];
  const streams = new Set<ServerResponse>();
  const frame = (event: { id: number; type: string; data: string }) => `id: ${event.id}\nevent: ${event.type}\ndata: ${event.data}\n\n`;

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const { port: own } = server.address() as AddressInfo;
    if (![`127.0.0.1:${own}`, `localhost:${own}`].includes(request.headers.host ?? '')) return refuse(response, 421, 'this page answers only at 127.0.0.1');
    if (request.method !== 'GET') return refuse(response, 405, 'only GET here');
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': LIVE_CSP, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
      response.end(page);
      return;
    }
    if (path === '/events') {
      response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-content-type-options': 'nosniff' });
      const after = Number(request.headers['last-event-id']);
      // A fresh page, or one that lost track: start over from the first event.
      if (!Number.isInteger(after)) response.write(`event: reset\ndata: {}\n\n`);
      for (const event of sent) if (!Number.isInteger(after) || event.id > after) response.write(frame(event));
      streams.add(response);
      request.on('close', () => streams.delete(response));
      return;
    }
    refuse(response, 404, 'not found: this server has / and /events');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new UsageError('DEVCAP_LIVE_PORT_IN_USE', `--live-port ${port}: the port is in use; give another, or leave --live-port out for a free one`)
          : error.code === 'EACCES'
            ? new PortDenied(`--live-port ${port} needs privileges on this machine (below 1024); choose one from 1024 up, or leave --live-port out for a free one`)
            : error,
      ),
    );
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  const publish = (event: LiveEvent) => {
    const entry = { id: sent.length + 1, type: event.type, data: JSON.stringify(event) };
    sent.push(entry);
    for (const stream of streams) stream.write(frame(entry));
  };
  return {
    url: `http://127.0.0.1:${bound}/`,
    publish,
    async finish(html) {
      if (html !== null) publish({ type: 'page', html });
      publish({ type: 'end' });
      // A page that stopped reading (a tab in the background, a frozen laptop) does not hold the run open.
      const flushed = Promise.all([...streams].map((stream) => new Promise<void>((resolve) => stream.end(resolve))));
      await Promise.race([flushed, new Promise((resolve) => setTimeout(resolve, FLUSH_GRACE_MS).unref())]);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function refuse(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  response.end(message + '\n');
}
