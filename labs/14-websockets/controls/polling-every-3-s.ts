// Negative control: the polling server, but it asks its clients to poll every 3 s
// (X-Poll-Interval, as GitHub's events API does): the wait follows the real interval, not the lab's.
import { serve } from 'devcap/serve';
import { createApp } from '../variants/app.js';

const { app, since } = createApp(() => {});

app.get('/messages', (req, res) => {
  res.set('X-Poll-Interval', '3');
  res.json(since(Number(req.query.since ?? 0)));
});

serve(app);
