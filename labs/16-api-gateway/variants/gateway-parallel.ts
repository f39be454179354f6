// The three calls leave together and Promise.all waits for the slowest: a dashboard costs
// the slowest service, not the sum. With no timeout, that is however slow it gets.
import { serve } from 'devcap/serve';
import { createGateway, fetchPart } from './gateway.js';

const app = createGateway(async (req, res) => {
  const { userId } = res.locals;
  const [profile, orders, notifications] = await Promise.all([fetchPart('profile', userId), fetchPart('orders', userId), fetchPart('notifications', userId)]);
  res.json({ profile, orders, notifications });
});

serve(app);
