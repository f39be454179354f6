// Reads the whole file into one Buffer, then sends it. Every request in flight holds its
// own full copy, so memory grows with file size × concurrent downloads, and the first
// byte leaves only after the last byte has been read from disk.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { serve } from 'devcap/serve';

const filePath = process.env.BIG_FILE!;

const server = createServer(async (req, res) => {
  if (req.url !== '/file') {
    res.writeHead(404).end();
    return;
  }
  try {
    const data = await readFile(filePath);
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': data.length });
    res.end(data);
  } catch {
    res.writeHead(500).end();
  }
});

serve(server);
