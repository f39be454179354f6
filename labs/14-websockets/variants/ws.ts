// Push over a plain WebSocket (`ws`): the server writes each message to every open connection
// the moment it is published; while nothing happens, nothing crosses the wire.
import { createServer } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import { serve } from 'devcap/serve';
import { createApp } from './app.js';

const { app } = createApp((message) => {
  const data = JSON.stringify(message);
  for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(data);
});

const server = createServer(app);
const wss = new WebSocketServer({ server });

serve(server);
