// The same answer through Express 5: a router, request and response helpers and its
// default headers. The difference from node-http is the price of that convenience.
import express from 'express';
import { serve } from 'devcap/serve';

const app = express();

app.get('/', (req, res) => {
  res.json({ hello: 'world' });
});

serve(app);
