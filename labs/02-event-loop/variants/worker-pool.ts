// The same hash in a pool of worker threads (one per core, via piscina). This is the
// general answer for CPU work that has no async API of its own: your own loops, parsing, images.
import { availableParallelism } from 'node:os';
import express from 'express';
import { Piscina } from 'piscina';
import { serve } from 'devcap/serve';

const pool = new Piscina({
  filename: new URL('./hash-task.js', import.meta.url).href,
  maxThreads: availableParallelism(),
});
const iterations = Number(process.env.PBKDF2_ITERATIONS ?? 60_000);
const app = express();

app.get('/work', async (req, res) => {
  const hash: string = await pool.run({ password: 'correct horse battery staple', iterations });
  res.send(hash);
});

app.get('/ping', (req, res) => {
  res.send('pong');
});

serve(app, () => pool.destroy());
