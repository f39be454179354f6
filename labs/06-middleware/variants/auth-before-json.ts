// The same two middlewares, the other way round: the auth check comes first, so a
// refused request is answered before anyone parses its body.
import express from 'express';
import { serve } from 'devcap/serve';
import { requireAuth } from './auth.js';

const app = express();
app.get('/ping', (req, res) => {
  res.send('pong');
});

app.use(requireAuth);
app.use(express.json({ limit: '1mb' }));

app.post('/api/documents', (req, res) => {
  res.status(201).json({ saved: req.body.items.length });
});

serve(app);
