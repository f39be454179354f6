// The smallest possible server: node:http and one handler. Whatever it reaches is the
// ceiling for anything built on top of it on this machine.
import { createServer } from 'node:http';
import { serve } from 'devcap/serve';

const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ hello: 'world' }));
});

serve(server);
