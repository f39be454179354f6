// The fixed middleware: no token is a 401 that says how to authenticate; a token that does
// not verify (bad signature, expired, malformed, wrong algorithm) is a 401 that says why,
// in the standard header (RFC 6750). Never a 500: a bad token is the client's problem.
import type { RequestHandler } from 'express';
import type { JwtPayload } from 'jsonwebtoken';

export function bearerAuth(verify: (token: string) => JwtPayload | string): RequestHandler {
  return (req, res, next) => {
    const [scheme, token] = (req.get('authorization') ?? '').split(' ');
    if (scheme !== 'Bearer' || !token) {
      res.set('WWW-Authenticate', 'Bearer');
      return res.status(401).json({ error: 'unauthorized' });
    }
    try {
      const payload = verify(token);
      if (typeof payload === 'string') throw new Error('payload is not a JSON object');
      req.user = payload;
    } catch (error) {
      res.set('WWW-Authenticate', `Bearer error="invalid_token", error_description="${(error as Error).message}"`);
      return res.status(401).json({ error: 'invalid_token' });
    }
    next();
  };
}
