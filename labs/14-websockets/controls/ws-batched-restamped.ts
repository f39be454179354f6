// Negative control: wrong but fast, a ws server that sends what was published once a second,
// each message stamped with the moment it is sent (`sentAt: Date.now()`, "when the update
// went out"): up to a second late, and by its own stamp never late at all.
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
    const data = JSON.stringify({ ...message, sentAt: Date.now() });
    for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(data);
  }
}, 1000);

serve(server);
