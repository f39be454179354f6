// The hash runs on the event loop itself. For the ~25 ms it computes, this process
// answers nobody: not the other /work requests, not even /ping.
import { pbkdf2Sync } from 'node:crypto';
import express from 'express';
import { serve } from 'devcap/serve';

const iterations = Number(process.env.PBKDF2_ITERATIONS ?? 60_000);
const app = express();

app.get('/work', (req, res) => {
  const hash = pbkdf2Sync('correct horse battery staple', 'salt', iterations, 64, 'sha512');
  res.send(hash.toString('hex'));
});

app.get('/ping', (req, res) => {
  res.send('pong');
});

serve(app);
