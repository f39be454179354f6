// Negative control: rejects `algorithm-confusion-refused` with a hand-written verifier that takes
// the algorithm from the token's own header, as libraries did before the 2015 advisories.
// Told "HS256", it uses the public key as an HMAC secret, so the forged token verifies.
import { createHmac, timingSafeEqual, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import jwt from 'jsonwebtoken';
import { serve } from 'devcap/serve';
import { claimsOf, createApi } from '../variants/app.js';
import { bearerAuth } from '../variants/bearer.js';

const PRIVATE_KEY = readFileSync(process.env.JWT_PRIVATE_KEY_FILE!, 'utf8');
const PUBLIC_KEY = readFileSync(process.env.JWT_PUBLIC_KEY_FILE!, 'utf8');

function verifyAnyAlgorithm(token: string): jwt.JwtPayload {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const { alg } = JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg: string };
  const signed = Buffer.from(`${header}.${payload}`);
  const given = Buffer.from(signature, 'base64url');
  const valid =
    alg === 'HS256'
      ? given.length === 32 && timingSafeEqual(createHmac('sha256', PUBLIC_KEY).update(signed).digest(), given)
      : alg === 'RS256' && verify('sha256', signed, PUBLIC_KEY, given);
  if (!valid) throw new Error('invalid signature');
  return JSON.parse(Buffer.from(payload, 'base64url').toString()) as jwt.JwtPayload;
}

serve(createApi(bearerAuth(verifyAnyAlgorithm), (user) => jwt.sign(claimsOf(user), PRIVATE_KEY, { algorithm: 'RS256', expiresIn: '1h' })));
