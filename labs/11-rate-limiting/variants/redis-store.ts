// The same limits, counted in Redis (rate-limit-redis): every instance of the API reads
// and increments the same counters. The price is one Redis round trip per request.
import { rateLimit } from 'express-rate-limit';
import { Redis } from 'ioredis';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import { serve } from 'devcap/serve';
import { apiLimit, createApi, loginLimit } from './api.js';

const redis = new Redis(process.env.REDIS_URL!);

// One store per limiter, each with its own key prefix. (REDIS_KEY_PREFIX keeps one devcap
// run's keys apart from another's on a shared Redis.)
const store = (prefix: string) =>
  new RedisStore({
    sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply>,
    prefix: `${process.env.REDIS_KEY_PREFIX ?? ''}${prefix}`,
  });

const app = createApi({
  api: rateLimit({ ...apiLimit, store: store('rl:api:') }),
  login: rateLimit({ ...loginLimit, store: store('rl:login:') }),
});

serve(app, async () => {
  await redis.quit();
});
