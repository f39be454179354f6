// Push with socket.io: io.emit sends each message to every connected client; the client
// library reconnects by itself when the connection drops (the server restarts).
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { serve } from 'devcap/serve';
import { createApp } from './app.js';

const { app } = createApp((message) => io.emit('message', message));

const server = createServer(app);
const io = new Server(server);

serve(server);
