// RS256: the server signs with its private key and verifies with the public one, which
// anyone may have. `algorithms` is NOT pinned: jsonwebtoken 9 picks the allowed ones from
// the key's type, and the lab checks whether that stops an HS256 token forged with the
// public key as its HMAC secret (algorithm confusion).
import { readFileSync } from 'node:fs';
import jwt from 'jsonwebtoken';
import { serve } from 'devcap/serve';
import { claimsOf, createApi } from './app.js';
import { bearerAuth } from './bearer.js';

const PRIVATE_KEY = readFileSync(process.env.JWT_PRIVATE_KEY_FILE!, 'utf8');
const PUBLIC_KEY = readFileSync(process.env.JWT_PUBLIC_KEY_FILE!, 'utf8');

const auth = bearerAuth((token) => jwt.verify(token, PUBLIC_KEY));

serve(createApi(auth, (user) => jwt.sign(claimsOf(user), PRIVATE_KEY, { algorithm: 'RS256', expiresIn: '1h' })));
