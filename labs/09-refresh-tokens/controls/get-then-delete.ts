// Negative control: rejects `one-of-ten-parallel-refreshes`. Rotation in separate round
// trips: GET the record, look the user up, then DEL and SET. Between the GET and the DEL,
// every other request with the same token also finds the record, so several succeed.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { findUser } from 'devcap/accounts';
import { serve } from 'devcap/serve';
import { createApi } from '../variants/app.js';
import { REFRESH_TTL_SEC, redisRotation } from '../variants/redis-rotation.js';

const redis = new Redis(process.env.REDIS_URL!);
const PREFIX = process.env.REDIS_KEY_PREFIX ?? '';
const atomic = redisRotation(redis);

serve(
  createApi({
    ...atomic,
    async refresh(token) {
      const record = await redis.get(`${PREFIX}rt:${token}`);
      if (!record) return null;
      const { userId, family } = JSON.parse(record) as { userId: number; family: string };
      const user = await findUser(userId);
      if (!user) return null;
      const next = randomBytes(32).toString('base64url');
      await redis.del(`${PREFIX}rt:${token}`);
      await redis.set(`${PREFIX}rt:${next}`, record, 'EX', REFRESH_TTL_SEC);
      await redis.set(`${PREFIX}family:${family}`, next, 'EX', REFRESH_TTL_SEC);
      return { user, refreshToken: next };
    },
  }),
  async () => {
    await redis.quit();
  },
);
