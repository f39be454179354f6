// Wrong solution: readFileSync wrapped in a Promise and awaited, "so it is async now". The
// executor runs at once, on the event loop: the read blocks everyone as before.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import { serve } from 'devcap/serve';

const file = join(process.env.DATA_DIR!, process.env.FILE_NAME ?? 'big.txt');
const app = express();

const readFileAsync = (path: string) => new Promise<Buffer>((resolve) => resolve(readFileSync(path)));

app.get('/file', async (req, res) => {
  const data = await readFileAsync(file);
  res.json({ bytes: data.length });
});

app.get('/ping', (req, res) => {
  res.send('pong');
});

serve(app);
