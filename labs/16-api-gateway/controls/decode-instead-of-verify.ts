// Negative control: a gateway that reads the token with jwt.decode instead of jwt.verify
// ("the services check it anyway"): any token that parses is let in, a forged, edited or
// expired one included, and its `sub` is believed.
import express, { type RequestHandler } from 'express';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import { serve } from 'devcap/serve';
import { fetchPart, limiter, proxyTo, SERVICES } from '../variants/gateway.js';

const authenticate: RequestHandler = (req, res, next) => {
  const token = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
  const payload = jwt.decode(token) as JwtPayload | null;
  if (!payload?.sub) {
    res.status(401).set('www-authenticate', 'Bearer').json({ error: 'missing or invalid token' });
    return;
  }
  res.locals.userId = String(payload.sub);
  next();
};

const app = express();
app.get('/health', (req, res) => {
  res.send('ok');
});
app.use(limiter());
app.use(authenticate);
for (const service of SERVICES) app.use(`/${service}`, proxyTo(service));
app.get('/dashboard', async (req, res) => {
  const { userId } = res.locals;
  const [profile, orders, notifications] = await Promise.all(SERVICES.map((service) => fetchPart(service, userId)));
  res.json({ profile, orders, notifications });
});

serve(app);
