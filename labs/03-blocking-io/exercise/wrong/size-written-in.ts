// Wrong solution: the read is gone and the answer is the number the starting file printed
// for the big file, written in. Nothing blocks, and the tiny file's size is wrong.
import express from 'express';
import { serve } from 'devcap/serve';

const app = express();

app.get('/file', (req, res) => {
  res.json({ bytes: 16 * 1024 * 1024 });
});

app.get('/ping', (req, res) => {
  res.send('pong');
});

serve(app);
