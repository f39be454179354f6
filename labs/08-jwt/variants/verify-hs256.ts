// The fixed middleware with an HMAC secret: try/catch around jwt.verify, the algorithm
// pinned to HS256, every failure a 401 with WWW-Authenticate.
import jwt from 'jsonwebtoken';
import { serve } from 'devcap/serve';
import { claimsOf, createApi } from './app.js';
import { bearerAuth } from './bearer.js';

const SECRET = process.env.JWT_SECRET!;

const auth = bearerAuth((token) => jwt.verify(token, SECRET, { algorithms: ['HS256'] }));

serve(createApi(auth, (user) => jwt.sign(claimsOf(user), SECRET, { expiresIn: '1h' })));
