// The token says who you are; the database says what you may do, on every request. A
// demoted (or deleted) user loses the rights at once, for one query per request.
import { serve } from 'devcap/serve';
import { createApi } from './api.js';
import { roleFromDatabase } from './authenticate.js';

serve(createApi(roleFromDatabase, { checkOwnership: false }));
