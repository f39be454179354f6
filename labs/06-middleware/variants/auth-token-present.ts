// The lesson's auth middleware, as written: a request without a `token` header is refused,
// and `return` ends the chain. But it only checks that the header is there, never what it
// says: any made-up value is let through.
import express, { type NextFunction, type Request, type Response } from 'express';
import { serve } from 'devcap/serve';

const auth = (req: Request, res: Response, next: NextFunction) => {
  if (!req.headers.token) {
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
