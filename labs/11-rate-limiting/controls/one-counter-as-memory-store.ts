// Negative control: rejects `limit-is-per-client`. The login limiter with one key for every
// client, "to be safe behind the proxy": five wrong guesses from anyone lock everyone out.
import { rateLimit } from 'express-rate-limit';
import { serve } from 'devcap/serve';
import { apiLimit, createApi, loginLimit } from '../variants/api.js';

serve(createApi({ api: rateLimit(apiLimit), login: rateLimit({ ...loginLimit, keyGenerator: () => 'everyone' }) }));
