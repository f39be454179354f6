// Wrong solution: `trust proxy` set to true, the fix a search suggests for "every client has
// the proxy's IP": now the client is whatever X-Forwarded-For says, and a guesser who makes
// the header up gets five fresh attempts each time.
import { rateLimit } from 'express-rate-limit';
import { serve } from 'devcap/serve';
import { apiLimit, createApi, loginLimit } from './api.js';

const app = createApi({ api: rateLimit(apiLimit), login: rateLimit(loginLimit) });
app.set('trust proxy', true);

serve(app);
