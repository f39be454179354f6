// Wrong solution: pbkdf2Sync moved into a setImmediate callback, "so it runs later". Later
// is still on the event loop: while it hashes, /ping waits exactly as before.
import { pbkdf2Sync } from 'node:crypto';
import express from 'express';
import { serve } from 'devcap/serve';

const iterations = Number(process.env.PBKDF2_ITERATIONS ?? 60_000);
const app = express();

app.get('/work', (req, res) => {
  setImmediate(() => {
    const hash = pbkdf2Sync('correct horse battery staple', 'salt', iterations, 64, 'sha512');
    res.send(hash.toString('hex'));
  });
});

app.get('/ping', (req, res) => {
  res.send('pong');
});

serve(app);
