// In parallel, each call with its own deadline: a slow service costs at most SERVICE_TIMEOUT_MS,
// and the dashboard answers with what arrived and names what is missing.
import { serve } from 'devcap/serve';
import { createGateway, fetchPart, partial, SERVICES } from './gateway.js';

const timeoutMs = Number(process.env.SERVICE_TIMEOUT_MS ?? 300);

const app = createGateway(async (req, res) => {
  const { userId } = res.locals;
  const results = await Promise.allSettled(SERVICES.map((service) => fetchPart(service, userId, AbortSignal.timeout(timeoutMs))));
  res.json(partial(results));
});

serve(app);
