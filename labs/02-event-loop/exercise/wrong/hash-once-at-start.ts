// Wrong solution: the input never changes, so the hash is computed once at start and every
// /work sends the stored hex. The answer is right and /ping never waits, but no request
// does the work the route stands for: the thread pool hashes nothing.
import { pbkdf2Sync } from 'node:crypto';
import express from 'express';
import { serve } from 'devcap/serve';

const iterations = Number(process.env.PBKDF2_ITERATIONS ?? 60_000);
const hash = pbkdf2Sync('correct horse battery staple', 'salt', iterations, 64, 'sha512').toString('hex');
const app = express();

app.get('/work', (req, res) => {
  res.send(hash);
});

app.get('/ping', (req, res) => {
  res.send('pong');
});

serve(app);
