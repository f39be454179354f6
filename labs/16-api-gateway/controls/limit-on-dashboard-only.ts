// Negative control: the rate limit guards /dashboard only; the proxied routes are not
// counted, so a client that calls the services through them is never refused.
import express from 'express';
import { serve } from 'devcap/serve';
import { authenticate, fetchPart, limiter, proxyTo, SERVICES } from '../variants/gateway.js';

const app = express();
app.get('/health', (req, res) => {
  res.send('ok');
});
app.use(authenticate);
for (const service of SERVICES) app.use(`/${service}`, proxyTo(service));
app.get('/dashboard', limiter(), async (req, res) => {
  const { userId } = res.locals;
  const [profile, orders, notifications] = await Promise.all(SERVICES.map((service) => fetchPart(service, userId)));
  res.json({ profile, orders, notifications });
});

serve(app);
