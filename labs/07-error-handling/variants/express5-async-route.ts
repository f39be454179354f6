// The same routes and the same error middleware on Express 5, which passes a rejected
// promise from a handler to next(err): every error now gets an answer. The middleware
// still answers with err.message, whatever the error was.
import express, { type NextFunction, type Request, type Response } from 'express';
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
