// Negative control: in the place of stream-pipeline, the download ends with the stream's
// first chunk (64 KiB of a 64 MiB file). Little memory and an early first byte, for a file
// the client never gets whole: the run must be invalid.
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
  stream.once('data', (chunk) => {
    stream.destroy();
    res.end(chunk);
  });
  stream.on('error', () => res.destroy());
});

serve(server);
