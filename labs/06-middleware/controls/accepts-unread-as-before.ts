// Negative control: wrong but fast; for `reject-before-parsing`, answers every upload with
// 201 at once, checking no token and reading no body. The cheapest server of all, and every
// answer of the unauthenticated flood is wrong: the run is invalid, not a faster "refusal".
import express from 'express';
import { serve } from 'devcap/serve';

const app = express();
app.get('/ping', (req, res) => {
  res.send('pong');
});

app.post('/api/documents', (req, res) => {
  res.status(201).json({ saved: 0 });
});

serve(app);
