// The two ways `authenticate` can learn a user's role. Both verify the token first; a
// missing or bad token is a 401.
import type { RequestHandler } from 'express';
import { findUser } from 'devcap/accounts';
import { unauthorized, verifiedToken } from './api.js';

/** The role the token was signed with at login: no query, and no way to take it back before the token expires. */
export const roleFromToken: RequestHandler = (req, res, next) => {
  const payload = verifiedToken(req.get('authorization'));
  if (!payload) return unauthorized(req, res, next);
  req.user = payload;
  next();
};

/** The role the database holds now: one query per request; a demoted or deleted user is refused at once. */
export const roleFromDatabase: RequestHandler = async (req, res, next) => {
  const payload = verifiedToken(req.get('authorization'));
  const user = payload && (await findUser(Number(payload.sub)));
  if (!payload || !user) return unauthorized(req, res, next);
  req.user = { ...payload, role: user.role };
  next();
};
