// The lesson's middleware: jwt.verify without try/catch. A token that does not verify
// throws inside the middleware; Express turns the throw into a 500 and, outside
// production, prints the stack trace into the answer.
import jwt from 'jsonwebtoken';
import { serve } from 'devcap/serve';
import { claimsOf, createApi } from './app.js';

const SECRET = process.env.JWT_SECRET!;

function auth(req: import('express').Request, res: import('express').Response, next: import('express').NextFunction) {
  const token = req.headers.authorization?.split(' ')[1];
  if (!token) return res.status(401).json({ error: 'no token' });
  req.user = jwt.verify(token, SECRET) as jwt.JwtPayload;
  next();
}

serve(createApi(auth, (user) => jwt.sign(claimsOf(user), SECRET, { expiresIn: '1h' })));
