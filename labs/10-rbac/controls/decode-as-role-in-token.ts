// Negative control: rejects `forged-role-refused`. `authenticate` with jwt.decode in place of
// jwt.verify: it reads the role without checking the signature, so a user who edits
// "role": "user" to "admin" in his own token deletes users.
import type { RequestHandler } from 'express';
import jwt from 'jsonwebtoken';
import { serve } from 'devcap/serve';
import { createApi, unauthorized } from '../variants/api.js';

const decodeOnly: RequestHandler = (req, res, next) => {
  const [scheme, token] = (req.get('authorization') ?? '').split(' ');
  const payload = scheme === 'Bearer' && token ? jwt.decode(token) : null;
  if (!payload || typeof payload === 'string') return unauthorized(req, res, next);
  req.user = payload;
  next();
};

serve(createApi(decodeOnly, { checkOwnership: false }));
