// Negative control: rejects `lesson-windows`. The lesson's windows written in seconds where
// express-rate-limit wants milliseconds (10 * 60, 15 * 60): 0.6 s and 0.9 s windows. A burst
// of guesses in one go is still cut at 5; a guesser who sends one a second never is.
import { rateLimit } from 'express-rate-limit';
import { serve } from 'devcap/serve';
import { apiLimit, createApi, loginLimit } from '../variants/api.js';

serve(createApi({ api: rateLimit({ ...apiLimit, windowMs: 15 * 60 }), login: rateLimit({ ...loginLimit, windowMs: 10 * 60 }) }));
