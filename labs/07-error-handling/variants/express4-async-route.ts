// The lesson's beginner approach on Express 4: async routes that throw, and a central error
// middleware. Express 4 ignores the promise an async handler returns, so the error never
// reaches the middleware: the rejection is unhandled and Node (15 and later) exits.
import express, { type NextFunction, type Request, type Response } from 'express4';
import { serve } from 'devcap/serve';
import type { AppError } from './errors.js';
import { registerRoutes } from './routes.js';

const app = express();
app.use(express.json());
registerRoutes(app);

app.use((err: AppError, req: Request, res: Response, next: NextFunction) => {
  res.status(err.status || 500).json({ message: err.message });
});

serve(app);
