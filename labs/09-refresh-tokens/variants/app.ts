// The API of every variant: login answers a short-lived access token (a JWT, lifetime
// ACCESS_TOKEN_TTL_SEC) and a long-lived refresh token; /refresh trades a refresh token
// for a new access token; /logout ends the session; /profile needs a valid access token.
// The variants differ only in what a refresh token is and where it lives (`RefreshTokens`).
import { createSecretKey } from 'node:crypto';
import express from 'express';
import jwt from 'jsonwebtoken';
import { loginHandler, type User } from 'devcap/accounts';

// A KeyObject made once: jsonwebtoken handed a string re-parses it on every call (day 8).
const ACCESS_SECRET = createSecretKey(Buffer.from(process.env.ACCESS_TOKEN_SECRET!));
const ACCESS_TTL_SEC = Number(process.env.ACCESS_TOKEN_TTL_SEC ?? 900);

export interface RefreshTokens {
  /** A new refresh token for a user who just logged in. */
  issue(user: User): Promise<string>;
  /** The user and the refresh token to use next time, or null: the token is not (or no longer) good. */
  refresh(token: string): Promise<{ user: User; refreshToken: string } | null>;
  /** Log out: the token (and what it grants) ends here, if the store can end it. */
  revoke(token: string): Promise<void>;
}

export const signAccess = (user: User): string =>
  jwt.sign({ sub: String(user.id), username: user.username, role: user.role }, ACCESS_SECRET, { expiresIn: ACCESS_TTL_SEC });

export function createApi(tokens: RefreshTokens): express.Express {
  const app = express();
  app.use(express.json());
  app.get('/ping', (req, res) => {
    res.send('pong');
  });

  app.post('/login', loginHandler(async (user) => ({ accessToken: signAccess(user), refreshToken: await tokens.issue(user) })));

  app.post('/refresh', async (req, res) => {
    const refreshed = await tokens.refresh(String(req.body?.refreshToken ?? ''));
    if (!refreshed) return res.status(401).json({ error: 'invalid refresh token' });
    res.json({ accessToken: signAccess(refreshed.user), refreshToken: refreshed.refreshToken });
  });

  app.post('/logout', async (req, res) => {
    await tokens.revoke(String(req.body?.refreshToken ?? ''));
    res.sendStatus(204);
  });

  app.get('/profile', (req, res) => {
    const [scheme, token] = (req.get('authorization') ?? '').split(' ');
    try {
      if (scheme !== 'Bearer' || !token) throw new Error('no token');
      const payload = jwt.verify(token, ACCESS_SECRET, { algorithms: ['HS256'] }) as jwt.JwtPayload;
      res.json({ id: payload.sub, username: payload.username, role: payload.role });
    } catch (error) {
      res.set('WWW-Authenticate', `Bearer error="invalid_token", error_description="${(error as Error).message}"`);
      res.status(401).json({ error: 'invalid_token' });
    }
  });
  return app;
}
