// Negative control: crypto.pbkdf2 on the thread pool, in the place of pbkdf2-async, but with
// 1,000 iterations written in instead of PBKDF2_ITERATIONS: sixty times less work, quick
// answers, and a different hash. Fast and wrong, so the run must be invalid.
import { pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import express from 'express';
import { serve } from 'devcap/serve';

const pbkdf2Async = promisify(pbkdf2);
const app = express();

app.get('/work', async (req, res) => {
  const hash = await pbkdf2Async('correct horse battery staple', 'salt', 1000, 64, 'sha512');
  res.send(hash.toString('hex'));
});

app.get('/ping', (req, res) => {
  res.send('pong');
});

serve(app);
