// Streams the file in 64 KiB chunks. pipeline() reads the next chunk only when the socket
// has taken the previous ones (backpressure), so each download holds about one chunk,
// however big the file and however slow the client.
import { createReadStream } from 'node:fs';
import { createServer } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { serve } from 'devcap/serve';

const filePath = process.env.BIG_FILE!;

const server = createServer(async (req, res) => {
  if (req.url !== '/file') {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain' });
  try {
    await pipeline(createReadStream(filePath), res);
  } catch {
    // The client went away mid-download (or the read failed): pipeline has already
    // closed both streams, so there is nobody left to answer.
  }
});

serve(server);
