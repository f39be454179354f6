// Negative control: Express answering an empty 200 instead of {"hello":"world"}. It is as
// fast as the real thing, or faster, and wrong: the run must be invalid, not "over 1,000 req/s".
import express from 'express';
import { serve } from 'devcap/serve';

const app = express();

app.get('/', (req, res) => {
  res.end();
});

serve(app);
