// Negative control: the per-request server in the place of the serialize-once one. Both
// sides then serialize on every request, the ratio is about 1, and "at least twice" must
// come out contradicted.
import express from 'express';
import { serve } from 'devcap/serve';
import { catalogue } from '../variants/catalogue.js';

const products = catalogue();
const app = express();

app.get('/catalogue', (req, res) => {
  res.json(products);
});

serve(app);
