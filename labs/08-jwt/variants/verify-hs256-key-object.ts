// verify-hs256 with the secret turned into a KeyObject once, at startup. Given a string,
// jsonwebtoken 9 first tries to parse it as a public key on every call (and fails,
// throwing inside OpenSSL) before it makes a secret key of it; given a KeyObject it skips both.
import { createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { serve } from 'devcap/serve';
import { claimsOf, createApi } from './app.js';
import { bearerAuth } from './bearer.js';

const KEY = createSecretKey(Buffer.from(process.env.JWT_SECRET!));

const auth = bearerAuth((token) => jwt.verify(token, KEY, { algorithms: ['HS256'] }));

serve(createApi(auth, (user) => jwt.sign(claimsOf(user), KEY, { expiresIn: '1h' })));
