// Wrong solution: createReadStream, but every chunk is pushed into an array and the whole
// file is sent with res.end() once the stream ends. A stream in name only: the file is
// held whole per download, and the first byte waits for the last.
import { createReadStream } from 'node:fs';
import { createServer } from 'node:http';
import { serve } from 'devcap/serve';

const filePath = process.env.BIG_FILE!;

const server = createServer((req, res) => {
  if (req.url !== '/file') {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  const stream = createReadStream(filePath);
  stream.on('data', (chunk) => chunks.push(chunk as Buffer));
  stream.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(Buffer.concat(chunks));
  });
  stream.on('error', () => res.writeHead(500).end());
});

serve(server);
