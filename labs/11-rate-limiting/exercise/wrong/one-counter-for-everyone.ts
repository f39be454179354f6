// Wrong solution: one key for the login limiter, "so the proxy's address cannot confuse it":
// every client shares one count of five, and one guesser locks everyone out of login.
import { rateLimit } from 'express-rate-limit';
import { serve } from 'devcap/serve';
import { apiLimit, createApi, loginLimit } from './api.js';

const app = createApi({
  api: rateLimit(apiLimit),
  login: rateLimit({ ...loginLimit, keyGenerator: () => 'login' }),
});

serve(app);
