// The classic bug: the middleware sends 401 but has no `return`, so it falls through to
// `next()`. The client sees 401; the route runs anyway and deletes the record, then fails
// with ERR_HTTP_HEADERS_SENT when it tries to answer a second time.
import type { NextFunction, Request, Response } from 'express';
import { serve } from 'devcap/serve';
import { TOKEN } from './auth.js';
import { createRecordsApi } from './records.js';

function requireAuth(req: Request, res: Response, next: NextFunction) {
  if (req.get('authorization') !== `Bearer ${TOKEN}`) {
    res.status(401).json({ error: 'unauthorized' });
  }
  next();
}

serve(createRecordsApi(requireAuth));
