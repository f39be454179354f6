// Negative control: rejects `token-lifetime-is-the-lessons`. verify-hs256 with the token
// signed without `expiresIn`, as a login written in a hurry does: the token has no exp, and
// a stolen copy works for ever.
import jwt from 'jsonwebtoken';
import { serve } from 'devcap/serve';
import { claimsOf, createApi } from '../variants/app.js';
import { bearerAuth } from '../variants/bearer.js';

const SECRET = process.env.JWT_SECRET!;

const auth = bearerAuth((token) => jwt.verify(token, SECRET, { algorithms: ['HS256'] }));

serve(createApi(auth, (user) => jwt.sign(claimsOf(user), SECRET)));
