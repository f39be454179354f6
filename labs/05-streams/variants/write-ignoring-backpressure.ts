// Streams the file, but ignores what res.write() returns. When the client reads slower
// than the disk, write() says "false, my buffer is full"; nobody listens, so every chunk
// piles up in the server's memory until the client catches up.
import { createReadStream } from 'node:fs';
import { createServer } from 'node:http';
import { serve } from 'devcap/serve';

const filePath = process.env.BIG_FILE!;

const server = createServer((req, res) => {
  if (req.url !== '/file') {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain' });
  const stream = createReadStream(filePath);
  stream.on('data', (chunk) => res.write(chunk));
  stream.on('end', () => res.end());
  stream.on('error', () => res.destroy());
});

serve(server);
