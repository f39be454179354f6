// The catalogue serialized on every request: res.json calls JSON.stringify on 2,000 objects,
// on the event loop, before a byte is sent.
import express from 'express';
import { serve } from 'devcap/serve';
import { catalogue } from './catalogue.js';

const products = catalogue();
const app = express();

app.get('/catalogue', (req, res) => {
  res.json(products);
});

serve(app);
