// express-rate-limit with its default store: the counters live in this process's memory.
// Fast and simple, and right for exactly one instance of the API.
import { rateLimit } from 'express-rate-limit';
import { serve } from 'devcap/serve';
import { apiLimit, createApi, loginLimit } from './api.js';

const app = createApi({
  api: rateLimit(apiLimit),
  login: rateLimit(loginLimit),
});

serve(app);
