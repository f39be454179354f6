// Negative control: a ws server written for one client: each new connection replaces the one
// kept in `socket`, and a message goes to that one alone. The last client to connect gets
// every message at once; the others, nothing.
import { createServer } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import { serve } from 'devcap/serve';
import { createApp } from '../variants/app.js';

let socket: WebSocket | undefined;
const { app } = createApp((message) => {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
});

const server = createServer(app);
const wss = new WebSocketServer({ server });
wss.on('connection', (connection) => {
  socket = connection;
});

serve(server);
