// Negative control: wrong but fast, the parallel gateway keeps the first dashboard it
// assembled and answers it to everyone after ("the dashboard hardly changes"): no calls,
// no waiting, and every user but the first sees someone else's.
import { serve } from 'devcap/serve';
import { createGateway, fetchPart, SERVICES } from '../variants/gateway.js';

let cached: Record<string, unknown> | undefined;

const app = createGateway(async (req, res) => {
  if (!cached) {
    const [profile, orders, notifications] = await Promise.all(SERVICES.map((service) => fetchPart(service, res.locals.userId)));
    cached = { profile, orders, notifications };
  }
  res.json(cached);
});

serve(app);
