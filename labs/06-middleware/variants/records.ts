// The records API of the `return` scenarios: anyone may list the records, only a caller
// with the token may delete one. The variants differ only in the auth middleware they pass.
import express, { type RequestHandler } from 'express';

export function createRecordsApi(requireAuth: RequestHandler): express.Express {
  const records = new Map(Array.from({ length: 5 }, (_, i) => [String(i + 1), { id: i + 1, title: `Record ${i + 1}` }]));
  const app = express();

  app.get('/ping', (req, res) => {
    res.send('pong');
  });

  app.get('/api/records', (req, res) => {
    res.json({ count: records.size, ids: [...records.keys()].map(Number) });
  });

  app.delete('/api/records/:id', requireAuth, (req, res) => {
    records.delete(String(req.params.id));
    res.sendStatus(204);
  });

  return app;
}
