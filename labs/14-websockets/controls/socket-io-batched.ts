// Negative control: a socket.io server that collects what is published and emits it once a
// second: push, but no faster than polling.
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { serve } from 'devcap/serve';
import { createApp, type Message } from '../variants/app.js';

const pending: Message[] = [];
const { app } = createApp((message) => pending.push(message));

const server = createServer(app);
const io = new Server(server);

setInterval(() => {
  for (const message of pending.splice(0)) io.emit('message', message);
}, 1000);

serve(server);
