// The dashboard needs all three services, and this gateway asks them one after another:
// every dashboard costs the sum of their response times.
import { serve } from 'devcap/serve';
import { createGateway, fetchPart } from './gateway.js';

const app = createGateway(async (req, res) => {
  const { userId } = res.locals;
  const profile = await fetchPart('profile', userId);
  const orders = await fetchPart('orders', userId);
  const notifications = await fetchPart('notifications', userId);
  res.json({ profile, orders, notifications });
});

serve(app);
