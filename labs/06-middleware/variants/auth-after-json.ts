// The order most tutorials show: express.json() first, for every route, then the auth
// check. A request that will be refused is still read in full and parsed first.
import express from 'express';
import { serve } from 'devcap/serve';
import { requireAuth } from './auth.js';

const app = express();
app.get('/ping', (req, res) => {
  res.send('pong');
});

app.use(express.json({ limit: '1mb' }));
app.use(requireAuth);

app.post('/api/documents', (req, res) => {
  res.status(201).json({ saved: req.body.items.length });
});

serve(app);
