// Negative control: rejects `lesson-lifetimes`. The Redis rotation with its refresh tokens
// kept 7 × 24 × 60 "seconds": the lesson's 7 days written in minutes, so a session ends
// after 2.8 hours and every user logs in again each afternoon.
import { Redis } from 'ioredis';
import { serve } from 'devcap/serve';
import { createApi } from '../variants/app.js';
import { redisRotation } from '../variants/redis-rotation.js';

const redis = new Redis(process.env.REDIS_URL!);

serve(createApi(redisRotation(redis, 7 * 24 * 60)), async () => {
  await redis.quit();
});
