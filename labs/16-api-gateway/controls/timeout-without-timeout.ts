// Negative control: the timeout gateway with the AbortSignal taken out: Promise.allSettled
// still waits for every call, so a slow service holds the whole dashboard.
import { serve } from 'devcap/serve';
import { createGateway, fetchPart, partial, SERVICES } from '../variants/gateway.js';

const app = createGateway(async (req, res) => {
  const { userId } = res.locals;
  const results = await Promise.allSettled(SERVICES.map((service) => fetchPart(service, userId)));
  res.json(partial(results));
});

serve(app);
