import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * The few lines every lab server shares: listen on a free loopback port, say which one,
 * and shut down cleanly on SIGTERM. Kept out of the variants so they read like the lesson.
 */
export function serve(handler: RequestListener | Server, onClose?: () => Promise<void> | void): Server {
  const server = typeof handler === 'function' ? createServer(handler) : handler;
  // Every connection, upgraded ones included: closeAllConnections ends HTTP connections
  // only, and an open WebSocket would keep close() waiting until devcap gives up on it.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // `devcap serve --port/--host` choose where; a lab run always takes a free loopback port.
  server.listen(Number(process.env.DEVCAP_PORT ?? 0), process.env.DEVCAP_HOST ?? '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    if (process.send) process.send({ type: 'ready', port });
    else console.log(`listening on http://127.0.0.1:${port}`);
  });
  const stop = () => {
    server.close(async () => {
      await onClose?.();
      process.exit(0);
    });
    server.closeAllConnections();
    for (const socket of sockets) socket.destroy();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // Started by devcap: if devcap itself dies (even SIGKILL), the IPC channel closes and the
  // server goes with it, so no server outlives its parent.
  if (process.send) process.once('disconnect', stop);
  return server;
}

export { query } from './query.js';
