// Negative control: wrong but fast; rejects `login-brute-force` and `limit-is-per-client`.
// Every login is answered 429 at once, with the headers a limiter sends (limit 0): no password
// check, so nothing can be guessed, and nobody can log in either.
import { rateLimit } from 'express-rate-limit';
import { serve } from 'devcap/serve';
import { apiLimit, createApi, loginLimit } from '../variants/api.js';

serve(createApi({ api: rateLimit(apiLimit), login: rateLimit({ ...loginLimit, limit: 0, validate: { limit: false } }) }));
