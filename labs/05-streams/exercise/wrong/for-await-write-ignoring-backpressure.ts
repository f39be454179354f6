// Wrong solution: the file streamed with for await, each chunk written with res.write() and
// its return value ignored. The loop takes the next chunk as soon as write() returns, at
// disk speed: a slow client leaves the whole file queued in the server's memory.
import { createReadStream } from 'node:fs';
import { createServer } from 'node:http';
import { serve } from 'devcap/serve';

const filePath = process.env.BIG_FILE!;

const server = createServer(async (req, res) => {
  if (req.url !== '/file') {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain' });
  try {
    for await (const chunk of createReadStream(filePath)) res.write(chunk);
    res.end();
  } catch {
    res.destroy();
  }
});

serve(server);
