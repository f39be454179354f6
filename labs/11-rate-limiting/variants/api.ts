// The API every variant serves: a product list under /api and a login. The variants differ
// only in the rate limiters they hand to createApi, and where those keep their counts.
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler } from 'express';
import type { Options } from 'express-rate-limit';
import { PRODUCTS } from './products.js';

/** Every client gets RATE_LIMIT requests a minute on /api (100 unless the lab sets it). */
export const apiLimit: Partial<Options> = {
  windowMs: 60_000,
  limit: Number(process.env.RATE_LIMIT ?? 100),
  standardHeaders: 'draft-8', // RateLimit and RateLimit-Policy headers, plus Retry-After on a 429
  legacyHeaders: false, // no X-RateLimit-* headers
};

/** Login is stricter: 5 attempts per 15 minutes per client, so passwords cannot be guessed by brute force. */
export const loginLimit: Partial<Options> = {
  windowMs: 15 * 60_000,
  limit: 5,
  standardHeaders: 'draft-8',
  legacyHeaders: false,
  message: { error: 'too many login attempts, try again later' },
};


const digest = (text: string) => createHash('sha256').update(text).digest();
const PASSWORD = digest('correct horse battery staple');

export function createApi(limiters?: { api: RequestHandler; login: RequestHandler }): express.Express {
  const app = express();
  // The API sits behind a proxy on this machine: the client is the address the proxy
  // names in X-Forwarded-For, not the proxy's own. Without this, every client would
  // share one counter.
  app.set('trust proxy', 'loopback');

  app.get('/ping', (req, res) => {
    res.send('pong');
  });

  if (limiters) app.use('/api', limiters.api);
  app.get('/api/products', (req, res) => {
    res.json(PRODUCTS);
  });

  const login: RequestHandler[] = limiters ? [limiters.login] : [];
  app.post('/login', express.json(), ...login, (req, res) => {
    const { username, password } = (req.body ?? {}) as { username?: string; password?: string };
    const ok = username === 'ada' && timingSafeEqual(digest(String(password)), PASSWORD);
    if (!ok) {
      res.status(401).json({ error: 'wrong username or password' });
      return;
    }
    res.json({ welcome: username });
  });
  return app;
}
