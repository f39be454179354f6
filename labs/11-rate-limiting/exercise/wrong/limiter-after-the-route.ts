// Wrong solution: the login limiter added at the end of the file, after the routes
// createApi registered: Express runs the chain in order, /login answers first, and the
// limiter never sees a request. Every guess reaches the password check.
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { serve } from 'devcap/serve';
import { apiLimit, createApi, loginLimit } from './api.js';

const passThrough: RequestHandler = (req, res, next) => next();

const app = createApi({ api: rateLimit(apiLimit), login: passThrough });
app.use('/login', rateLimit(loginLimit));

serve(app);
