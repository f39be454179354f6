// Negative control: rejects `forged-tokens-refused` with jwt.decode in place of jwt.verify. It
// reads the payload without checking the signature, so an edited token passes.
import jwt from 'jsonwebtoken';
import { serve } from 'devcap/serve';
import { claimsOf, createApi } from '../variants/app.js';
import { bearerAuth } from '../variants/bearer.js';

const SECRET = process.env.JWT_SECRET!;

const auth = bearerAuth((token) => {
  const payload = jwt.decode(token);
  if (payload === null) throw new Error('jwt malformed');
  return payload;
});

serve(createApi(auth, (user) => jwt.sign(claimsOf(user), SECRET, { expiresIn: '1h' })));
