// Wrong solution: fs.promises.stat instead of reading, "since only the size is sent back".
// The answer is right and nothing blocks, but the file is never read: the route no longer
// does the work the lesson is about.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import express from 'express';
import { serve } from 'devcap/serve';

const file = join(process.env.DATA_DIR!, process.env.FILE_NAME ?? 'big.txt');
const app = express();

app.get('/file', async (req, res) => {
  const { size } = await stat(file);
  res.json({ bytes: size });
});

app.get('/ping', (req, res) => {
  res.send('pong');
});

serve(app);
