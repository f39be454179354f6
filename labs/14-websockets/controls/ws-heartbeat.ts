// Negative control: a ws server that sends every client its state every 100 ms, news or not:
// an idle connection that is never silent.
import { createServer } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import { serve } from 'devcap/serve';
import { createApp } from '../variants/app.js';

const { app } = createApp((message) => broadcast(message));

const server = createServer(app);
const wss = new WebSocketServer({ server });

function broadcast(value: unknown) {
  const data = JSON.stringify(value);
  for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(data);
}

setInterval(() => broadcast({ type: 'state', clients: wss.clients.size }), 100);

serve(server);
