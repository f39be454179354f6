// The API with no rate limiter at all: the baseline for what a limiter costs.
import { serve } from 'devcap/serve';
import { createApi } from './api.js';

serve(createApi());
