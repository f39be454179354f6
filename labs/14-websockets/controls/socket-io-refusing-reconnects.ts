// Negative control: a socket.io server that turns away clients that say they are reconnecting
// (they send the session id of their last connection); socket.io clients do not retry a refusal.
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { serve } from 'devcap/serve';
import { createApp } from '../variants/app.js';

const { app } = createApp((message) => io.emit('message', message));

const server = createServer(app);
// With connection state recovery, a client that reconnects sends its previous session id.
const io = new Server(server, { connectionStateRecovery: {} });
io.use((socket, next) => (socket.handshake.auth.pid ? next(new Error('session expired')) : next()));

serve(server);
