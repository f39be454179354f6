// HTTP polling: each client asks "anything after the last id I saw?" every interval and gets
// an answer at once, almost always an empty list. A message waits for the next question.
import { serve } from 'devcap/serve';
import { createApp } from './app.js';

const { app, since } = createApp(() => {}); // nothing to push: clients come and ask

app.get('/messages', (req, res) => {
  res.json(since(Number(req.query.since ?? 0)));
});

serve(app);
