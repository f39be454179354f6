// The catalogue serialized once, at start: the bytes and their ETag are worked out before the
// server listens, so a request only writes the same buffer (Express does not hash a body whose
// ETag is already set).
import { createHash } from 'node:crypto';
import express from 'express';
import { serve } from 'devcap/serve';
import { catalogue } from './catalogue.js';

const body = Buffer.from(JSON.stringify(catalogue()));
const etag = `"${body.length.toString(16)}-${createHash('sha1').update(body).digest('base64').slice(0, 27)}"`;
const app = express();

app.get('/catalogue', (req, res) => {
  res.set('ETag', etag).type('application/json').send(body);
});

serve(app);
