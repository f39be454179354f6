// Negative control: the synchronous server hashing twice per request. It still blocks,
// but each request now costs 2 × workMs, so it serves half of what the model predicts.
import { pbkdf2Sync } from 'node:crypto';
import express from 'express';
import { serve } from 'devcap/serve';

const iterations = Number(process.env.PBKDF2_ITERATIONS ?? 60_000);
const app = express();

app.get('/work', (req, res) => {
  pbkdf2Sync('correct horse battery staple', 'salt', iterations, 64, 'sha512');
  const hash = pbkdf2Sync('correct horse battery staple', 'salt', iterations, 64, 'sha512');
  res.send(hash.toString('hex'));
});

app.get('/ping', (req, res) => {
  res.send('pong');
});

serve(app);
