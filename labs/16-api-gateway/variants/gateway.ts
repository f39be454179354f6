// The gateway every variant runs: one entry point that applies a rate limit to every route,
// authenticates every request before it goes anywhere, proxies /profile, /orders and
// /notifications to their services, and serves /dashboard, which each variant aggregates its own way.
import { createSecretKey } from 'node:crypto';
import { Agent } from 'node:http';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { createProxyMiddleware } from 'http-proxy-middleware';
import jwt, { type JwtPayload } from 'jsonwebtoken';

export const SERVICES = ['profile', 'orders', 'notifications'] as const;
export type Service = (typeof SERVICES)[number];

const urlOf = (service: Service) => process.env[`${service.toUpperCase()}_URL`]!;
const key = createSecretKey(Buffer.from(process.env.JWT_SECRET!));

/** A valid HS256 bearer token, or 401: the user's id rides along in res.locals. */
export const authenticate: RequestHandler = (req, res, next) => {
  const token = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
  try {
    const payload = jwt.verify(token, key, { algorithms: ['HS256'] }) as JwtPayload;
    res.locals.userId = String(payload.sub);
  } catch {
    res.status(401).set('www-authenticate', 'Bearer').json({ error: 'missing or invalid token' });
    return;
  }
  next();
};

/** RATE_LIMIT requests a minute per client (by default its IP), counted together over every route it is mounted on. */
export const limiter = (options: Parameters<typeof rateLimit>[0] = {}) =>
  rateLimit({ windowMs: 60_000, limit: Number(process.env.RATE_LIMIT ?? 100), standardHeaders: 'draft-8', legacyHeaders: false, ...options });

/** Passes a request on to its service as it is, with the user the gateway authenticated. */
export function proxyTo(service: Service): RequestHandler {
  return createProxyMiddleware<Request, Response>({
    target: `${urlOf(service)}/${service}`,
    agent: new Agent({ keepAlive: true }),
    on: {
      proxyReq: (proxyReq, req, res) => {
        proxyReq.setHeader('x-user-id', String(res.locals.userId));
      },
    },
  });
}

/** One service's part of the dashboard; a non-2xx answer is an error. */
export async function fetchPart(service: Service, userId: string, signal?: AbortSignal): Promise<unknown> {
  const response = await fetch(`${urlOf(service)}/${service}`, { headers: { 'x-user-id': userId }, signal });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`${service} answered ${response.status}`);
  }
  return response.json();
}

/** The parts that arrived, and the names of those that did not: a partial answer that says so. */
export function partial(results: PromiseSettledResult<unknown>[]): Record<string, unknown> {
  const answer: Record<string, unknown> = {};
  const missing: Service[] = [];
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') answer[SERVICES[i]!] = result.value;
    else missing.push(SERVICES[i]!);
  });
  return { ...answer, missing };
}

/** The gateway: `/health`, then the limit, the auth check, the proxied routes and the variant's `/dashboard`. */
export function createGateway(dashboard: RequestHandler, limit: RequestHandler = limiter()): express.Express {
  const app = express();
  // Before the checks: what a load balancer polls.
  app.get('/health', (req, res) => {
    res.send('ok');
  });
  app.use(limit);
  app.use(authenticate);
  for (const service of SERVICES) app.use(`/${service}`, proxyTo(service));
  app.get('/dashboard', dashboard);
  return app;
}
