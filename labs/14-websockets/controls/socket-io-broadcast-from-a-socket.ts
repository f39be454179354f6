// Negative control: a socket.io server that publishes through the latest connection's
// `socket.broadcast.emit`, which sends to every client except that socket: one subscriber
// never gets anything, and the median delay of the others looks as good as ever.
import { createServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { serve } from 'devcap/serve';
import { createApp } from '../variants/app.js';

let latest: Socket | undefined;
const { app } = createApp((message) => latest?.broadcast.emit('message', message));

const server = createServer(app);
const io = new Server(server);
io.on('connection', (socket) => {
  latest = socket;
});

serve(server);
