// Wrong solution: a hand-written login limiter that checks the count before adding the
// request, so `> 5` lets a sixth guess through; and it keeps counting for ever (no window),
// tells the client nothing (no RateLimit headers, no Retry-After).
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { serve } from 'devcap/serve';
import { apiLimit, createApi } from './api.js';

const attempts = new Map<string, number>();

const loginLimiter: RequestHandler = (req, res, next) => {
  const ip = req.ip ?? 'unknown';
  const count = attempts.get(ip) ?? 0;
  if (count > 5) {
    res.status(429).json({ error: 'too many login attempts, try again later' });
    return;
  }
  attempts.set(ip, count + 1);
  next();
};

serve(createApi({ api: rateLimit(apiLimit), login: loginLimiter }));
