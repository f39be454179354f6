// Negative control: wrong but fast; rejects `key-object-verifies-cheaper` as invalid. It
// verifies nothing and answers linus's profile to every request, whoever the token names:
// the cheapest /profile there is, and a wrong answer for every other user of the load.
import jwt from 'jsonwebtoken';
import { serve } from 'devcap/serve';
import { claimsOf, createApi } from '../variants/app.js';

const SECRET = process.env.JWT_SECRET!;

const auth: import('express').RequestHandler = (req, res, next) => {
  req.user = { sub: '3', username: 'linus', role: 'user' };
  next();
};

serve(createApi(auth, (user) => jwt.sign(claimsOf(user), SECRET, { expiresIn: '1h' })));
