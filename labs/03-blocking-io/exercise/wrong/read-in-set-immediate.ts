// Wrong solution: readFileSync moved into a setImmediate callback, "so the handler returns
// at once". The read still runs on the event loop, a moment later: /ping still waits for it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import { serve } from 'devcap/serve';

const file = join(process.env.DATA_DIR!, process.env.FILE_NAME ?? 'big.txt');
const app = express();

app.get('/file', (req, res) => {
  setImmediate(() => {
    const data = readFileSync(file);
    res.json({ bytes: data.length });
  });
});

app.get('/ping', (req, res) => {
  res.send('pong');
});

serve(app);
