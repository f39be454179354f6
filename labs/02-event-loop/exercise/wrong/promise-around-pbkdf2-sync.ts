// Wrong solution: pbkdf2Sync wrapped in a Promise and awaited, "so it is async now". The
// executor runs at once, on the event loop: the hash still blocks every other request.
import { pbkdf2Sync } from 'node:crypto';
import express from 'express';
import { serve } from 'devcap/serve';

const iterations = Number(process.env.PBKDF2_ITERATIONS ?? 60_000);
const app = express();

function hashAsync(password: string): Promise<Buffer> {
  return new Promise((resolve) => resolve(pbkdf2Sync(password, 'salt', iterations, 64, 'sha512')));
}

app.get('/work', async (req, res) => {
  const hash = await hashAsync('correct horse battery staple');
  res.send(hash.toString('hex'));
});

app.get('/ping', (req, res) => {
  res.send('pong');
});

serve(app);
