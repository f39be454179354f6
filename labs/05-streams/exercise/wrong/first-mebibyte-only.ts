// Wrong solution: the download streams with pipeline(), but only the first MiB of the file,
// then ends. Low memory and an early first byte, for a file the client never gets whole.
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
    await pipeline(createReadStream(filePath, { end: 1024 * 1024 - 1 }), res);
  } catch {
    // the client went away
  }
});

serve(server);
