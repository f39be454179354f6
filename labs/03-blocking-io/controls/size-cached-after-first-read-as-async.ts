// Negative control: in the place of read-file-async, the first /file reads the file with
// fs.promises and keeps its size; every request after it answers the kept size. Right
// answers and nothing blocks, so only the claim that every request still reads its file
// can tell: it must fail.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import express from 'express';
import { serve } from 'devcap/serve';

const file = join(process.env.DATA_DIR!, process.env.FILE_NAME ?? 'big.txt');
let size: Promise<number> | undefined;
const app = express();

app.get('/file', async (req, res) => {
  size ??= readFile(file).then((data) => data.length);
  res.json({ bytes: await size });
});

app.get('/ping', (req, res) => {
  res.send('pong');
});

serve(app);
