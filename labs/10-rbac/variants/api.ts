// The shop's API with roles. Anyone logged in reads a product; editors and admins change
// its price; only admins delete a user. Orders belong to the user who placed them. The
// variants differ in where `authenticate` gets the role and whether an order's owner is
// checked; `authorize` is the lesson's.
import { createSecretKey } from 'node:crypto';
import express, { type RequestHandler } from 'express';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import { loginHandler, type Role } from 'devcap/accounts';
import { query } from 'devcap/serve';

// A KeyObject made once: jsonwebtoken handed a string re-parses it on every call (day 8).
const SECRET = createSecretKey(Buffer.from(process.env.JWT_SECRET!));

/** The verified payload of the request's bearer token, or null. */
export function verifiedToken(authorization: string | undefined): JwtPayload | null {
  const [scheme, token] = (authorization ?? '').split(' ');
  if (scheme !== 'Bearer' || !token) return null;
  try {
    const payload = jwt.verify(token, SECRET, { algorithms: ['HS256'] });
    return typeof payload === 'string' ? null : payload;
  } catch {
    return null;
  }
}

export const unauthorized: RequestHandler = (req, res) => {
  res.set('WWW-Authenticate', 'Bearer').status(401).json({ error: 'unauthorized' });
};

/** The lesson's authorize: it trusts that `authenticate` ran before it and set req.user. */
export function authorize(...roles: Role[]): RequestHandler {
  return (req, res, next) => {
    if (!roles.includes(req.user!.role!)) return res.status(403).json({ error: 'forbidden' });
    next();
  };
}

interface Order {
  id: number;
  user_id: number;
  product_id: number;
  quantity: number;
}

export const deleteUser: RequestHandler = async (req, res) => {
  const [deleted] = await query('deleteUser', [Number(req.params.id)]);
  if (!deleted) return res.status(404).json({ error: 'no such user' });
  res.sendStatus(204);
};

export function createApi(authenticate: RequestHandler, options: { checkOwnership: boolean }): express.Express {
  const app = express();
  app.use(express.json());
  app.get('/ping', (req, res) => {
    res.send('pong');
  });

  app.post('/login', loginHandler((user) => ({ token: jwt.sign({ sub: String(user.id), username: user.username, role: user.role }, SECRET, { expiresIn: '1h' }) })));

  app.get('/api/products/:id', authenticate, authorize('user', 'editor', 'admin'), async (req, res) => {
    const [product] = await query('productById', [Number(req.params.id)]);
    if (!product) return res.status(404).json({ error: 'no such product' });
    res.json(product);
  });

  app.patch('/api/products/:id', authenticate, authorize('editor', 'admin'), async (req, res) => {
    const [product] = await query('updateProductPrice', [Number(req.body.price), Number(req.params.id)]);
    if (!product) return res.status(404).json({ error: 'no such product' });
    res.json(product);
  });

  app.delete('/api/users/:id', authenticate, authorize('admin'), deleteUser);

  // Any logged-in user may change an order's quantity: the role says nothing about whose order it is.
  app.patch('/api/orders/:id', authenticate, async (req, res) => {
    const [order] = await query<Order>('orderById', [Number(req.params.id)]);
    if (!order) return res.status(404).json({ error: 'no such order' });
    if (options.checkOwnership && order.user_id !== Number(req.user!.sub) && req.user!.role !== 'admin') {
      return res.status(403).json({ error: 'forbidden' });
    }
    const [updated] = await query<Order>('setOrderQuantity', [Number(req.body.quantity), order.id]);
    res.json(updated);
  });
  return app;
}
