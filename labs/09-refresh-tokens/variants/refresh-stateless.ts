// The lesson's refresh token: a second JWT, signed with its own secret, valid 7 days and
// stored nowhere. The server cannot tell a used token from a fresh one, and logout is the
// client forgetting its tokens: a copy keeps working for a week. jwt.verify has no
// try/catch, so a garbage token is a 500.
import jwt from 'jsonwebtoken';
import { serve } from 'devcap/serve';
import { createApi } from './app.js';

const REFRESH_SECRET = process.env.REFRESH_TOKEN_SECRET!;

serve(
  createApi({
    async issue(user) {
      return jwt.sign({ sub: String(user.id), username: user.username, role: user.role }, REFRESH_SECRET, { expiresIn: '7d' });
    },
    async refresh(token) {
      const payload = jwt.verify(token, REFRESH_SECRET) as jwt.JwtPayload;
      return { user: { id: Number(payload.sub), username: payload.username, role: payload.role }, refreshToken: token };
    },
    async revoke() {
      // Nothing to do: the server keeps no refresh tokens.
    },
  }),
);
