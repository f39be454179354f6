// Wrong solution: readFileSync, "to skip the await", then res.end(data). The whole file is
// still read into memory before the first byte leaves, and now the read blocks the loop too.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { serve } from 'devcap/serve';

const filePath = process.env.BIG_FILE!;

const server = createServer((req, res) => {
  if (req.url !== '/file') {
    res.writeHead(404).end();
    return;
  }
  const data = readFileSync(filePath);
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': data.length });
  res.end(data);
});

serve(server);
