// The same read through fs.promises: libuv's thread pool does the copying, in chunks,
// and the event loop is free in between to answer /ping and start other requests.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import express from 'express';
import { serve } from 'devcap/serve';

// The lab writes big.txt and tiny.txt into DATA_DIR; FILE_NAME picks one.
const file = join(process.env.DATA_DIR!, process.env.FILE_NAME ?? 'big.txt');
const app = express();

app.get('/file', async (req, res) => {
  const data = await readFile(file);
  // A short answer about the file, not the file: a load generator swallowing 4 MB
  // responses would measure itself. The read is the same either way.
  res.json({ bytes: data.length });
});

app.get('/ping', (req, res) => {
  res.send('pong');
});

serve(app);
