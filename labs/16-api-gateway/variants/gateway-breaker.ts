// A circuit breaker (opossum) around each service's call: once most recent calls to a service
// have failed, the breaker opens and the gateway stops calling it, so its failures cost nothing.
import CircuitBreaker from 'opossum';
import { serve } from 'devcap/serve';
import { createGateway, fetchPart, partial, SERVICES } from './gateway.js';

const timeoutMs = Number(process.env.SERVICE_TIMEOUT_MS ?? 300);

const breakers = SERVICES.map(
  (service) =>
    new CircuitBreaker((userId: string) => fetchPart(service, userId, AbortSignal.timeout(timeoutMs)), {
      timeout: false, // the call's own AbortSignal cuts it off (and closes the request)
      errorThresholdPercentage: 50, // open when more than half the calls of the last 10 s failed…
      volumeThreshold: 3, // …once there have been at least 3
      resetTimeout: 30_000, // then try one call again after 30 s
    }),
);

const app = createGateway(async (req, res) => {
  const { userId } = res.locals;
  const results = await Promise.allSettled(breakers.map((breaker) => breaker.fire(userId)));
  res.json(partial(results));
});

serve(app);
