// The API every variant of this lab serves: POST /login checks the password against the
// database and answers a signed token; GET /profile answers who the token says you are.
// The variants differ only in how they sign and how `auth` checks the token.
import express, { type RequestHandler } from 'express';
import { loginHandler, type User } from 'devcap/accounts';

/** What the token says about its user: the id as `sub`, the name and the role. */
export const claimsOf = (user: User) => ({ sub: String(user.id), username: user.username, role: user.role });

export function createApi(auth: RequestHandler, sign: (user: User) => string): express.Express {
  const app = express();
  app.get('/ping', (req, res) => {
    res.send('pong');
  });

  app.post('/login', express.json(), loginHandler((user) => ({ token: sign(user) })));

  app.get('/profile', auth, (req, res) => {
    res.json({ id: req.user!.sub, username: req.user!.username, role: req.user!.role });
  });
  return app;
}
