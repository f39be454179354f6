// Reads the whole file on the event loop. While the bytes are copied in, this process
// answers nobody: the other /file requests and even /ping wait their turn.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import { serve } from 'devcap/serve';

// The lab writes big.txt and tiny.txt into DATA_DIR; FILE_NAME picks one.
const file = join(process.env.DATA_DIR!, process.env.FILE_NAME ?? 'big.txt');
const app = express();

app.get('/file', (req, res) => {
  const data = readFileSync(file);
  // A short answer about the file, not the file: a load generator swallowing 4 MB
  // responses would measure itself. The read is the same either way.
  res.json({ bytes: data.length });
});

app.get('/ping', (req, res) => {
  res.send('pong');
});

serve(app);
