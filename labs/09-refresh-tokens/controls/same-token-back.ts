// Negative control: wrong but fast; rejects `reuse-revokes-family`. A refresh that checks the
// token is stored and answers the same one back: no rotation, no write, one round trip less.
// A used token is never consumed, so a stolen copy is as good as the user's.
import { Redis } from 'ioredis';
import { findUser } from 'devcap/accounts';
import { serve } from 'devcap/serve';
import { createApi } from '../variants/app.js';
import { redisRotation } from '../variants/redis-rotation.js';

const redis = new Redis(process.env.REDIS_URL!);
const PREFIX = process.env.REDIS_KEY_PREFIX ?? '';

serve(
  createApi({
    ...redisRotation(redis),
    async refresh(token) {
      const record = await redis.get(`${PREFIX}rt:${token}`);
      const user = record && (await findUser((JSON.parse(record) as { userId: number }).userId));
      return user ? { user, refreshToken: token } : null;
    },
  }),
  async () => {
    await redis.quit();
  },
);
