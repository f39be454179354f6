// The API every variant serves: a product list under /api and a login. The variants differ
// only in the rate limiters they hand to createApi, and where those keep their counts.
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler } from 'express';
import type { Options } from 'express-rate-limit';
import { PRODUCTS } from './products.js';

/** The lesson's limit: every client gets 100 requests per 15 minutes on /api (RATE_LIMIT, when the lab sets another). */
export const apiLimit: Partial<Options> = {
  windowMs: 15 * 60 * 1000,
  limit: Number(process.env.RATE_LIMIT ?? 100),
  standardHeaders: 'draft-8', // RateLimit and RateLimit-Policy headers, plus Retry-After on a 429
  legacyHeaders: false, // no X-RateLimit-* headers
};

/** Login is stricter, as the lesson has it: 5 attempts per 10 minutes per client, so passwords cannot be guessed by brute force. */
export const loginLimit: Partial<Options> = {
  windowMs: 10 * 60 * 1000,
  limit: 5,
  standardHeaders: 'draft-8',
  legacyHeaders: false,
  message: { error: 'too many login attempts, try again later' },
};

const digest = (text: string) => createHash('sha256').update(text).digest();
const PASSWORD = digest('correct horse battery staple');

export function createApi(limiters?: { api: RequestHandler; login: RequestHandler }): express.Express {
  const app = express();
  // Behind the load balancer (127.0.0.1 here) the client is the address it names in
  // X-Forwarded-For, not the balancer's own: without this every client behind it would share
  // one counter. Only that address is trusted: anyone else who sends X-Forwarded-For wrote it
  // themselves, and a limit keyed on it resets whenever they change it. (On this machine the
  // clients are 127.0.0.2, 127.0.0.3…: so 'loopback', all of 127.0.0.0/8, would trust them too.)
  app.set('trust proxy', '127.0.0.1');

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
