// Negative control: the same Express app, but every request computes for 3 ms first. One
// thread then serves at most about 1000 / 3 = 333 requests a second, well short of 1,000.
import express from 'express';
import { serve } from 'devcap/serve';

const app = express();

app.get('/', (req, res) => {
  const start = performance.now();
  while (performance.now() - start < 3) {
    // busy: the event loop does nothing else meanwhile
  }
  res.json({ hello: 'world' });
});

serve(app);
