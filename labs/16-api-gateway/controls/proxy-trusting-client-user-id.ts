// Negative control: a gateway whose proxy passes on an x-user-id the client already sent
// ("the mobile app sets it"), and names the authenticated user only when none came: any
// client with a valid token of its own reads another user's profile, orders and notifications.
import { Agent } from 'node:http';
import express, { type Request, type Response } from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { serve } from 'devcap/serve';
import { authenticate, fetchPart, limiter, SERVICES } from '../variants/gateway.js';

const app = express();
app.get('/health', (req, res) => {
  res.send('ok');
});
app.use(limiter());
app.use(authenticate);
for (const service of SERVICES) {
  app.use(
    `/${service}`,
    createProxyMiddleware<Request, Response>({
      target: `${process.env[`${service.toUpperCase()}_URL`]}/${service}`,
      agent: new Agent({ keepAlive: true }),
      on: {
        proxyReq: (proxyReq, req, res) => {
          proxyReq.setHeader('x-user-id', req.get('x-user-id') ?? String(res.locals.userId));
        },
      },
    }),
  );
}
app.get('/dashboard', async (req, res) => {
  const userId = req.get('x-user-id') ?? res.locals.userId;
  const [profile, orders, notifications] = await Promise.all(SERVICES.map((service) => fetchPart(service, userId)));
  res.json({ profile, orders, notifications });
});

serve(app);
