// Wrong solution: the lesson's windows typed as seconds (10 * 60, 15 * 60) where
// express-rate-limit wants milliseconds: a burst is still cut at five, but the window ends
// after 0.6 s, so a guesser who waits a second between tries is never limited.
import { rateLimit } from 'express-rate-limit';
import { serve } from 'devcap/serve';
import { apiLimit, createApi, loginLimit } from './api.js';

const app = createApi({
  api: rateLimit({ ...apiLimit, windowMs: 15 * 60 }),
  login: rateLimit({ ...loginLimit, windowMs: 10 * 60 }),
});

serve(app);
