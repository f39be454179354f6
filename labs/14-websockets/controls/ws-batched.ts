// Negative control: a ws server that collects what is published and sends it once a second,
// as a server that pushes "updates" on a timer does: push, but no faster than polling.
import { createServer } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import { serve } from 'devcap/serve';
import { createApp, type Message } from '../variants/app.js';

const pending: Message[] = [];
const { app } = createApp((message) => pending.push(message));

const server = createServer(app);
const wss = new WebSocketServer({ server });

setInterval(() => {
  for (const message of pending.splice(0)) {
    const data = JSON.stringify(message);
    for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(data);
  }
}, 1000);

serve(server);
