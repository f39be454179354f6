import { setTimeout as sleep } from 'node:timers/promises';
import { USER_TABLES } from '../../fixtures/users.js';
import { bearer, defineLab, loginAs, nowSec, protectedRouteLoad, readPayload, type ScenarioContext, type ScenarioStep, tokenOf, userId } from 'devcap/lab';

/** The variants' secrets: one for access tokens, one for the stateless refresh tokens. */
const ACCESS_SECRET = 'lab-09-access-secret-keep-it-out-of-git-32-bytes';
const REFRESH_SECRET = 'lab-09-refresh-secret-keep-it-out-of-git-32-bytes';
const SECRETS = { ACCESS_TOKEN_SECRET: ACCESS_SECRET, REFRESH_TOKEN_SECRET: REFRESH_SECRET };
const PARALLEL = 10;
/** The lesson's lifetimes: access tokens `expiresIn: "15m"`, refresh tokens `expiresIn: "7d"`. */
const LESSON_ACCESS_SEC = 15 * 60;
const LESSON_REFRESH_SEC = 7 * 24 * 3600;

const access = (context: ScenarioContext) => tokenOf(context, 'linus');
const refreshToken = (context: ScenarioContext, name = 'linus:refresh') => tokenOf(context, name);
/** The login's refresh token is R1 in the step names; later ones are kept as R2, R3… */
const label = (name: string) => (name === 'linus:refresh' ? 'R1' : name);

const profile = (expectStatus: number, name: string): ScenarioStep => ({
  name,
  path: '/profile',
  headers: (context) => bearer(access(context)),
  expectStatus,
});

/**
 * POST /refresh with the token kept under `use` (or a literal one). On a 200 the answer's
 * tokens are kept: the access token as `linus`, the refresh token under `keep`.
 */
function refresh(name: string, use: string | ((context: ScenarioContext) => string), expectStatus: number, keep?: string): ScenarioStep {
  return {
    name,
    method: 'POST',
    path: '/refresh',
    headers: { 'content-type': 'application/json' },
    body: (context) => JSON.stringify({ refreshToken: typeof use === 'string' ? refreshToken(context, use) : use(context) }),
    expectStatus,
    check: (response, context) => {
      if (response.status !== 200 || !keep) return null;
      const answer = JSON.parse(response.body) as { accessToken: string; refreshToken: string };
      context.vars.linus = answer.accessToken;
      context.vars[keep] = answer.refreshToken;
      return null;
    },
  };
}

const logout = (use: string): ScenarioStep => ({
  name: `POST /logout with ${label(use)}: 204`,
  method: 'POST',
  path: '/logout',
  headers: { 'content-type': 'application/json' },
  body: (context) => JSON.stringify({ refreshToken: refreshToken(context, use) }),
  expectStatus: 204,
});

/** A step without a request: the refresh tokens kept as `a` and `b` differ (rotation answered a new one). */
const differ = (a: string, b: string): ScenarioStep => ({
  name: `${label(b)} is a new refresh token, not ${label(a)} again`,
  action: (context) => (refreshToken(context, a) !== refreshToken(context, b) ? null : `the refresh answered the same refresh token again`),
});

const login = loginAs('linus');

/** Why an access token does not live `seconds` from now (its exp − iat, and iat is now), or null. */
function livesFor(token: string, seconds: number, what: string): string | null {
  const { iat, exp } = readPayload(token);
  if (typeof exp !== 'number') return `the ${what} has no exp: it never expires`;
  if (typeof iat !== 'number' || Math.abs(nowSec() - iat) > 60) return `the ${what}'s iat is ${String(iat)}, not now`;
  return exp - iat === seconds ? null : `the ${what} lives ${exp - iat} s, not the lesson's ${seconds} s`;
}

/** How many seconds Redis keeps the record of a refresh token (the rotation's `rt:<token>`), read from the store itself. */
async function storedFor(context: ScenarioContext, token: string): Promise<number> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(context.env.REDIS_URL!, { keyPrefix: context.env.REDIS_KEY_PREFIX, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    return await redis.ttl(`rt:${token}`);
  } finally {
    redis.disconnect();
  }
}

/** Why the refresh token kept under `name` is not stored for the lesson's 7 days (give or take the scenario's minute), or null. */
const storedForSevenDays = (name: string) => async (context: ScenarioContext) => {
  const ttl = await storedFor(context, refreshToken(context, name));
  if (ttl < 0) return `Redis holds no expiring record of ${label(name)} (TTL ${ttl})`;
  return ttl <= LESSON_REFRESH_SEC && ttl > LESSON_REFRESH_SEC - 60 ? null : `Redis keeps ${label(name)} ${ttl} s, not the lesson's ${LESSON_REFRESH_SEC} s (7 days)`;
};

/** An access token's payload names this user. */
const names = (token: string, username: string): string | null => {
  const payload = readPayload(token);
  return payload.sub === String(userId(username)) && payload.username === username ? null : `the access token names ${String(payload.username)} (sub ${String(payload.sub)}), not ${username}`;
};

export default defineLab({
  day: 9,
  slug: 'refresh-tokens',
  title: 'Access and refresh tokens: short lifetimes, rotation, reuse detection, logout that works',
  summary:
    'short access tokens (seconds, a parameter): expired → 401 → refresh → 200; the seed\'s stateless refresh token still works after use and logout; Redis rotation with reuse detection revokes the family, logout revokes; ten parallel refreshes of one token: exactly one wins under an atomic Lua rotation',
  claim: 'Short-lived access tokens limit what a stolen token is worth; a long-lived refresh token renews them, and must be stored, rotated and revocable to be safe.',
  requires: ['redis', 'database'],
  database: { tables: [USER_TABLES] },
  params: {
    accessTtlSec: {
      env: 'ACCESS_TOKEN_TTL_SEC',
      default: 2,
      min: 1,
      max: LESSON_ACCESS_SEC,
      summary: "access token lifetime in seconds (the scenarios wait for it to pass; lesson-lifetimes runs at the lesson's 900)",
    },
  },
  variants: {
    'refresh-stateless': { file: 'variants/refresh-stateless.js', summary: "the lesson's: refresh tokens are 7-day JWTs stored nowhere", env: SECRETS },
    'refresh-rotation': {
      file: 'variants/refresh-rotation.js',
      summary: 'refresh tokens in Redis, rotated atomically on each use, reuse revokes the family',
      env: SECRETS,
      requires: ['redis'],
    },
  },
  controls: {
    'refresh-ttl-in-minutes': {
      file: 'controls/refresh-ttl-in-minutes.js',
      replaces: 'refresh-rotation',
      summary: "refresh tokens kept 7 × 24 × 60 s: the lesson's 7 days written in minutes",
      rejects: ['lesson-lifetimes'],
    },
    'same-token-back': {
      file: 'controls/same-token-back.js',
      replaces: 'refresh-rotation',
      summary: 'wrong but fast: /refresh answers the same refresh token back, no rotation, no write',
      rejects: ['reuse-revokes-family'],
    },
    'long-lived-access': {
      file: 'controls/long-lived-access.js',
      replaces: 'refresh-rotation',
      summary: 'access tokens that live an hour: nothing expires during the scenario',
      rejects: ['expired-access-refreshes'],
    },
    'rotation-as-stateless': {
      file: 'controls/rotation-as-stateless.js',
      replaces: 'refresh-stateless',
      summary: 'the Redis rotation where the stateless token should be',
      rejects: ['stateless-refresh-never-dies'],
    },
    'stateless-as-rotation': {
      file: 'controls/stateless-as-rotation.js',
      replaces: 'refresh-rotation',
      summary: 'the stateless token where the Redis rotation should be',
      rejects: ['reuse-revokes-family', 'logout-revokes', 'wrong-refresh-tokens-refused'],
    },
    'get-then-delete': {
      file: 'controls/get-then-delete.js',
      replaces: 'refresh-rotation',
      summary: 'rotation in separate round trips (GET, then DEL): not atomic',
      rejects: ['one-of-ten-parallel-refreshes'],
    },
  },
  // A protected route with a valid access token: what every request costs between refreshes.
  workload: protectedRouteLoad(['refresh-rotation'], '/profile', ACCESS_SECRET),
  report: {
    columns: ['requestsPerSec', 'latencyP50Ms', 'latencyP99Ms', 'serverCpuMsPerRequest', 'serverCpuCores'],
  },
  claims: [
    {
      kind: 'scenario',
      id: 'expired-access-refreshes',
      statement: 'The access token works, then expires (401 jwt expired); the refresh token gets a new pair, and the new access token works.',
      variant: 'refresh-rotation',
      steps: [
        login,
        profile(200, 'GET /profile with the access token: 200'),
        {
          ...profile(401, 'wait until the access token is accessTtlSec old, then GET /profile: 401 jwt expired'),
          // Real time passes: the token's own iat plus the lifetime the server was given.
          action: async (context) => {
            const issuedAt = Number(readPayload(access(context)).iat);
            await sleep(Math.max(0, (issuedAt + context.params.accessTtlSec!) * 1000 - Date.now() + 50));
          },
          check: (response) => (String(response.headers['www-authenticate']).includes('jwt expired') ? null : `WWW-Authenticate: ${String(response.headers['www-authenticate'])}`),
        },
        refresh('POST /refresh: 200, a new access token and a new refresh token', 'linus:refresh', 200, 'R2'),
        differ('linus:refresh', 'R2'),
        profile(200, 'GET /profile with the new access token: 200'),
      ],
    },
    {
      kind: 'scenario',
      id: 'lesson-lifetimes',
      statement: "At the lesson's settings, login answers an access token that lives 15 minutes and a refresh token Redis keeps 7 days; a refresh answers the same lifetimes again.",
      variant: 'refresh-rotation',
      params: { accessTtlSec: LESSON_ACCESS_SEC },
      steps: [
        {
          ...login,
          name: 'POST /login as linus: the access token says exp − iat = 900 s (15 minutes)',
          check: async (response, context, all) => (await login.check!(response, context, all)) ?? livesFor(access(context), LESSON_ACCESS_SEC, 'access token'),
        },
        { name: 'Redis keeps R1 for 7 days (TTL 604,800 s, less the seconds since)', action: storedForSevenDays('linus:refresh') },
        {
          ...refresh('POST /refresh with R1: 200, a new access token of 15 minutes', 'linus:refresh', 200, 'R2'),
          check: async (response, context, all) =>
            (await refresh('', 'linus:refresh', 200, 'R2').check!(response, context, all)) ?? livesFor(access(context), LESSON_ACCESS_SEC, 'new access token'),
        },
        { name: 'Redis keeps R2 for 7 days too', action: storedForSevenDays('R2') },
        profile(200, 'GET /profile with the new access token: 200'),
      ],
    },
    {
      kind: 'scenario',
      id: 'wrong-refresh-tokens-refused',
      statement: "Another user's refresh token renews that user, never the holder of the request; an edited refresh token, a refresh token sent as an access token and an access token sent to /refresh are all refused with 401.",
      variant: 'refresh-rotation',
      steps: [
        login,
        loginAs('margaret'),
        {
          name: "POST /refresh with margaret's refresh token: 200, and the new access token names margaret",
          method: 'POST',
          path: '/refresh',
          headers: { 'content-type': 'application/json' },
          body: (context) => JSON.stringify({ refreshToken: refreshToken(context, 'margaret:refresh') }),
          expectStatus: 200,
          check: (response) => names((JSON.parse(response.body) as { accessToken: string }).accessToken, 'margaret'),
        },
        refresh("R1 with its last character changed: 401", (context) => `${refreshToken(context).slice(0, -1)}${refreshToken(context).endsWith('A') ? 'B' : 'A'}`, 401),
        {
          name: 'R1 sent as a bearer access token to GET /profile: 401',
          path: '/profile',
          headers: (context) => bearer(refreshToken(context)),
          expectStatus: 401,
        },
        refresh("linus's access token sent to /refresh: 401", (context) => access(context), 401),
        {
          ...refresh('R1 itself, after all that: 200, and the new access token names linus (the refusals were not the store refusing everything)', 'linus:refresh', 200, 'R2'),
          check: async (response, context, all) => (await refresh('', 'linus:refresh', 200, 'R2').check!(response, context, all)) ?? names(access(context), 'linus'),
        },
      ],
    },
    {
      kind: 'scenario',
      id: 'stateless-refresh-never-dies',
      statement: 'A refresh token stored nowhere keeps working after it was used and after logout; a garbage one gets a 500.',
      variant: 'refresh-stateless',
      steps: [
        login,
        {
          name: "the refresh token is a JWT that lives the lesson's 7 days (exp − iat = 604800 s)",
          action: (context) => livesFor(refreshToken(context), LESSON_REFRESH_SEC, 'refresh token'),
        },
        refresh('POST /refresh: 200', 'linus:refresh', 200),
        refresh('the same refresh token again: 200 (a used token is as good as new)', 'linus:refresh', 200),
        logout('linus:refresh'),
        refresh('the same refresh token after logout: 200', 'linus:refresh', 200),
        refresh('a garbage refresh token: 500 (jwt.verify throws, nothing catches it)', () => 'not-a-token', 500),
      ],
    },
    {
      kind: 'scenario',
      id: 'reuse-revokes-family',
      statement: 'Each refresh answers a new refresh token; presenting a used one again is refused and revokes the family, so the newest token is refused too.',
      variant: 'refresh-rotation',
      steps: [
        login,
        refresh('refresh with R1: 200, answers R2', 'linus:refresh', 200, 'R2'),
        refresh('refresh with R2: 200, answers R3', 'R2', 200, 'R3'),
        differ('R2', 'R3'),
        refresh('R1 again (stolen, or replayed): 401', 'linus:refresh', 401),
        refresh('R3, the newest, which nobody used: 401 (the family is revoked)', 'R3', 401),
        refresh('a garbage refresh token: 401', () => 'not-a-token', 401),
      ],
    },
    {
      kind: 'scenario',
      id: 'logout-revokes',
      statement: 'Logout revokes the refresh token: refreshing with it afterwards is refused.',
      variant: 'refresh-rotation',
      steps: [
        login,
        refresh('refresh with R1: 200, answers R2', 'linus:refresh', 200, 'R2'),
        logout('R2'),
        refresh('R2 after logout: 401', 'R2', 401),
        refresh('R1, used before the logout: 401', 'linus:refresh', 401),
      ],
    },
    {
      kind: 'scenario',
      id: 'one-of-ten-parallel-refreshes',
      statement: `${PARALLEL} refreshes with the same token at once: exactly one succeeds under atomic rotation, and reuse detection then revokes the winner's new token too.`,
      variant: 'refresh-rotation',
      steps: [
        login,
        {
          ...refresh(`${PARALLEL} × POST /refresh with R1, each on its own connection: exactly one 200`, 'linus:refresh', 200),
          expectStatus: undefined,
          parallel: PARALLEL,
          expectStatusCounts: { 200: 1, 401: PARALLEL - 1 },
          check: (_response, context, all) => {
            const winner = all.find((response) => response.status === 200);
            if (!winner) return 'no refresh succeeded';
            context.vars.winner = (JSON.parse(winner.body) as { refreshToken: string }).refreshToken;
            return null;
          },
        },
        refresh("the winner's new refresh token: 401 (the nine losers looked like reuse)", 'winner', 401),
      ],
    },
  ],
  takeaway:
    'Keep access tokens short and refresh tokens stored: rotate them on every use, atomically, and treat a reused one as theft (revoke its family). ' +
    'A refresh token stored nowhere cannot be logged out or revoked; it is a 7-day password.',
});
