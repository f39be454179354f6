// The auth middleware done right: `return` after sending the 401, so `next()` is never
// called and the route behind it never runs for a refused request.
import type { NextFunction, Request, Response } from 'express';
import { serve } from 'devcap/serve';
import { TOKEN } from './auth.js';
import { createRecordsApi } from './records.js';

function requireAuth(req: Request, res: Response, next: NextFunction) {
  if (req.get('authorization') !== `Bearer ${TOKEN}`) {
    return res.status(401).json({ error: 'unauthorized' });
  }
  next();
}

serve(createRecordsApi(requireAuth));
