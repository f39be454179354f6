// Negative control: the rate limit counts every client's requests under one key, so once
// one client has used the limit, every other client is refused too.
import { serve } from 'devcap/serve';
import { createGateway, fetchPart, limiter, SERVICES } from '../variants/gateway.js';

const app = createGateway(
  async (req, res) => {
    const { userId } = res.locals;
    const [profile, orders, notifications] = await Promise.all(SERVICES.map((service) => fetchPart(service, userId)));
    res.json({ profile, orders, notifications });
  },
  limiter({ keyGenerator: () => 'everyone' }),
);

serve(app);
