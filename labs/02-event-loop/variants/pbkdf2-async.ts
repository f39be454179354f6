// The same hash, handed to libuv's thread pool (4 threads unless UV_THREADPOOL_SIZE says
// otherwise). The event loop only starts the job and sends the answer, so /ping stays quick.
import { pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import express from 'express';
import { serve } from 'devcap/serve';

const pbkdf2Async = promisify(pbkdf2);
const iterations = Number(process.env.PBKDF2_ITERATIONS ?? 60_000);
const app = express();

app.get('/work', async (req, res) => {
  const hash = await pbkdf2Async('correct horse battery staple', 'salt', iterations, 64, 'sha512');
  res.send(hash.toString('hex'));
});

app.get('/ping', (req, res) => {
  res.send('pong');
});

serve(app);
