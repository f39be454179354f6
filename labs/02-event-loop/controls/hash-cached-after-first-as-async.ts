// Negative control: in the place of pbkdf2-async, the first /work hashes on the thread pool
// and its hex is kept; every request after it gets the kept hex. Right answers, a free loop,
// and almost no CPU per request: the claim that the pool still does the work must fail.
import { pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import express from 'express';
import { serve } from 'devcap/serve';

const pbkdf2Async = promisify(pbkdf2);
const iterations = Number(process.env.PBKDF2_ITERATIONS ?? 60_000);
let cached: Promise<string> | undefined;
const app = express();

app.get('/work', async (req, res) => {
  cached ??= pbkdf2Async('correct horse battery staple', 'salt', iterations, 64, 'sha512').then((hash) => hash.toString('hex'));
  res.send(await cached);
});

app.get('/ping', (req, res) => {
  res.send('pong');
});

serve(app);
