// Refresh tokens stored in Redis, rotated on every use, with reuse detection
// (variants/redis-rotation.ts): logout and a stolen copy both end the session.
import { Redis } from 'ioredis';
import { serve } from 'devcap/serve';
import { createApi } from './app.js';
import { redisRotation } from './redis-rotation.js';

const redis = new Redis(process.env.REDIS_URL!);

serve(createApi(redisRotation(redis)), async () => {
  await redis.quit();
});
