// Refresh tokens as random strings kept in Redis, one family per login. Every refresh
// consumes its token and answers the next one (rotation). A token presented a second time
// means two parties hold it: the whole family is revoked, the legitimate user included.
// Consume-and-replace is one Lua script, so Redis runs it atomically: of two requests
// with the same token, exactly one gets the record.
import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { findUser, type User } from 'devcap/accounts';
import type { RefreshTokens } from './app.js';

export const REFRESH_TTL_SEC = 7 * 24 * 3600;
const PREFIX = process.env.REDIS_KEY_PREFIX ?? '';

// rt:<token> → { userId, family }; used:<token> → family (a consumed token, kept to spot reuse);
// family:<family> → the family's current token. The script builds keys from the data it reads,
// which is fine on one Redis (not on a cluster).
const ROTATE = `
local prefix, old, new, ttl = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local record = redis.call('GET', prefix .. 'rt:' .. old)
if record then
  local family = cjson.decode(record).family
  redis.call('DEL', prefix .. 'rt:' .. old)
  redis.call('SET', prefix .. 'used:' .. old, family, 'EX', ttl)
  redis.call('SET', prefix .. 'rt:' .. new, record, 'EX', ttl)
  redis.call('SET', prefix .. 'family:' .. family, new, 'EX', ttl)
  return record
end
local family = redis.call('GET', prefix .. 'used:' .. old)
if family then
  local current = redis.call('GET', prefix .. 'family:' .. family)
  if current then redis.call('DEL', prefix .. 'rt:' .. current) end
  redis.call('DEL', prefix .. 'family:' .. family)
end
return false`;

const newToken = () => randomBytes(32).toString('base64url');

/** Refresh tokens kept `ttlSec` (default the lesson's 7 days) in Redis. */
export function redisRotation(redis: Redis, ttlSec: number = REFRESH_TTL_SEC): RefreshTokens {
  return {
    async issue(user: User) {
      const token = newToken();
      const family = randomUUID();
      await redis.set(`${PREFIX}rt:${token}`, JSON.stringify({ userId: user.id, family }), 'EX', ttlSec);
      await redis.set(`${PREFIX}family:${family}`, token, 'EX', ttlSec);
      return token;
    },
    async refresh(token) {
      const next = newToken();
      const record = (await redis.eval(ROTATE, 0, PREFIX, token, next, ttlSec)) as string | null;
      if (!record) return null;
      // The user as the database has them now (deleted users get no new tokens).
      const user = await findUser((JSON.parse(record) as { userId: number }).userId);
      return user && { user, refreshToken: next };
    },
    async revoke(token) {
      const record = await redis.getdel(`${PREFIX}rt:${token}`);
      if (record) await redis.del(`${PREFIX}family:${(JSON.parse(record) as { family: string }).family}`);
    },
  };
}
