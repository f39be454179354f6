// Negative control: the polling server with ids that count 1, 2, 3… in each process. After a
// restart the count starts again, and a client that saw id 4 ignores the new 1, 2, 3 and 4.
import { serve } from 'devcap/serve';
import { createApp } from '../variants/app.js';

let count = 0;
const { app, since } = createApp(() => {}, () => ++count);

app.get('/messages', (req, res) => {
  res.json(since(Number(req.query.since ?? 0)));
});

serve(app);
