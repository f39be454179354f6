// Negative control: fs.promises.readFile without `await`, in the place of read-file-async.
// The handler answers at once with the size of a Promise ({}), while the read runs on in
// the background: the loop is free and the answer is wrong, so the run must be invalid.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import express from 'express';
import { serve } from 'devcap/serve';

const file = join(process.env.DATA_DIR!, process.env.FILE_NAME ?? 'big.txt');
const app = express();

app.get('/file', (req, res) => {
  const data = readFile(file);
  res.json({ bytes: (data as unknown as Buffer).length });
});

app.get('/ping', (req, res) => {
  res.send('pong');
});

serve(app);
