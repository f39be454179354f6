// Negative control: rejects `forged-forwarded-for-ignored`. The in-memory limiters with
// `trust proxy` set to true, the usual fix for "every client has the proxy's address":
// now the client is whoever X-Forwarded-For says, and a guesser who changes the header
// gets a fresh count of attempts each time.
import { rateLimit } from 'express-rate-limit';
import { serve } from 'devcap/serve';
import { apiLimit, createApi, loginLimit } from '../variants/api.js';

const app = createApi({ api: rateLimit(apiLimit), login: rateLimit(loginLimit) });
app.set('trust proxy', true);

serve(app);
