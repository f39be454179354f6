// The items API every variant serves. The variants differ only in where a read goes
// (`read`) and what a write leaves behind for the reads that follow (`wrote`).
import express from 'express';
import { writeItem, type Item } from './db.js';

export interface Routing {
  /** Reads item `id` for `user` (the x-user header; undefined for anonymous reads). */
  read(id: number, user: string | undefined): Promise<Item | undefined>;
  /** Called after `user`'s write committed at WAL position `lsn`. */
  wrote(user: string | undefined, lsn: string): void;
}

export function createApi(routing: Routing): express.Express {
  const app = express();

  app.get('/ping', (req, res) => {
    res.send('pong');
  });

  app.get('/api/items/:id', async (req, res) => {
    const item = await routing.read(Number(req.params.id), req.get('x-user'));
    if (!item) {
      res.status(404).json({ error: 'no such item' });
      return;
    }
    res.json(item);
  });

  app.put('/api/items/:id', express.json(), async (req, res) => {
    const item = await writeItem(Number(req.params.id), Number(req.body?.value));
    if (!item) {
      res.status(404).json({ error: 'no such item' });
      return;
    }
    routing.wrote(req.get('x-user'), item.lsn);
    res.json({ id: item.id, name: item.name, value: item.value });
  });

  // A database error (a write sent to the read-only standby) is a clear 500, not a hang.
  app.use((error: Error, req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).json({ error: error.message });
  });

  return app;
}
