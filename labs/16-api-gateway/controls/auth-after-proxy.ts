// Negative control: the proxy routes are mounted before the auth check, so a request
// without a token goes straight through to its service; only /dashboard is still guarded.
import express from 'express';
import { serve } from 'devcap/serve';
import { authenticate, fetchPart, limiter, proxyTo, SERVICES } from '../variants/gateway.js';

const app = express();
app.get('/health', (req, res) => {
  res.send('ok');
});
app.use(limiter());
for (const service of SERVICES) app.use(`/${service}`, proxyTo(service));
app.use(authenticate);
app.get('/dashboard', async (req, res) => {
  const { userId } = res.locals;
  const [profile, orders, notifications] = await Promise.all(SERVICES.map((service) => fetchPart(service, userId)));
  res.json({ profile, orders, notifications });
});

serve(app);
