// Express 5 with an error middleware that answers one stable shape: the API's own errors
// with their status and code, anything unexpected as a plain 500. Every answer names the
// request id; the detail of an unexpected error goes to the server's log, not the client.
import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { serve } from 'devcap/serve';
import { AppError } from './errors.js';
import { registerRoutes } from './routes.js';

const app = express();
app.use((req, res, next) => {
  res.locals.requestId = randomUUID();
  res.set('x-request-id', res.locals.requestId);
  next();
});
app.use(express.json());
registerRoutes(app);

app.use((err: Error, req: Request, res: Response, next: NextFunction) => {
  const requestId: string = res.locals.requestId;
  const known = err instanceof AppError;
  const status = known ? err.status : 500;
  if (status >= 500) console.error(`request ${requestId} failed:`, err);
  res.status(status).json({
    error: known ? { code: err.code, message: err.message } : { code: 'internal_error', message: 'something went wrong on our side' },
    requestId,
  });
});

serve(app);
