// Wrong solution: the hash is gone, not moved off the event loop. /work answers at once with
// 128 zeros: /ping never waits, and the answer is not the hash.
import express from 'express';
import { serve } from 'devcap/serve';

const app = express();

app.get('/work', (req, res) => {
  res.send('0'.repeat(128));
});

app.get('/ping', (req, res) => {
  res.send('pong');
});

serve(app);
