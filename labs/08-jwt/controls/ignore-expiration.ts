// Negative control: rejects `expired-token-refused`. The HS256 middleware, but with
// `ignoreExpiration: true`, so a correctly signed token is accepted after its `exp`.
import jwt from 'jsonwebtoken';
import { serve } from 'devcap/serve';
import { claimsOf, createApi } from '../variants/app.js';
import { bearerAuth } from '../variants/bearer.js';

const SECRET = process.env.JWT_SECRET!;

const auth = bearerAuth((token) => jwt.verify(token, SECRET, { algorithms: ['HS256'], ignoreExpiration: true }));

serve(createApi(auth, (user) => jwt.sign(claimsOf(user), SECRET, { expiresIn: '1h' })));
