// The auth check every variant of the order race shares: a request without the API's
// bearer token is refused with 401 and goes no further.
import type { NextFunction, Request, Response } from 'express';

export const TOKEN = process.env.API_TOKEN ?? 'lab-06-token';

export function requireAuth(req: Request, res: Response, next: NextFunction): void {
  if (req.get('authorization') !== `Bearer ${TOKEN}`) {
    res.status(401).json({ error: 'unauthorized' });
    return;
  }
  next();
}
