// The lesson's middleware with the check it leaves out: the token must be the API's own,
// not merely present. Compared in constant time, so the answer's timing does not say how
// many leading characters of a guess were right.
import { timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { serve } from 'devcap/serve';
import { TOKEN } from './auth.js';

const expected = Buffer.from(TOKEN);

function isApiToken(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const given = Buffer.from(value);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const auth = (req: Request, res: Response, next: NextFunction) => {
  if (!isApiToken(req.headers.token)) {
    return res.status(401).send('Unauthorized');
  }
  next();
};

const app = express();
app.get('/ping', (req, res) => {
  res.send('pong');
});

app.get('/profile', auth, (req, res) => {
  res.send('Private profile');
});

serve(app);
