// The catalogue serialized once, at start: each request sends the same string.
import express from 'express';
import { serve } from 'devcap/serve';
import { catalogue } from './catalogue.js';

const body = JSON.stringify(catalogue());
const app = express();

app.get('/catalogue', (req, res) => {
  res.type('application/json').send(body);
});

serve(app);
