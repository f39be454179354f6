// Wrong solution: the file is read once, synchronously, before the server listens, and
// every /file answers from memory. Right answers and a free event loop, but no request
// reads the file any more.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import { serve } from 'devcap/serve';

const data = readFileSync(join(process.env.DATA_DIR!, process.env.FILE_NAME ?? 'big.txt'));
const app = express();

app.get('/file', (req, res) => {
  res.json({ bytes: data.length });
});

app.get('/ping', (req, res) => {
  res.send('pong');
});

serve(app);
