import { setTimeout as sleep } from 'node:timers/promises';
import { bearer, loginAs, protectedRouteLoad, readPayload, tokenOf } from '../../fixtures/tokens.js';
import { defineLab } from '../../src/lab/define.js';
import type { ScenarioContext, ScenarioStep } from '../../src/lab/types.js';

/** The variants' secrets: one for access tokens, one for the stateless refresh tokens. */
const ACCESS_SECRET = 'lab-09-access-secret-keep-it-out-of-git-32-bytes';
const REFRESH_SECRET = 'lab-09-refresh-secret-keep-it-out-of-git-32-bytes';
const SECRETS = { ACCESS_TOKEN_SECRET: ACCESS_SECRET, REFRESH_TOKEN_SECRET: REFRESH_SECRET };
const PARALLEL = 10;

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

export default defineLab({
  day: 9,
  slug: 'refresh-tokens',
  title: 'Access and refresh tokens: short lifetimes, rotation, reuse detection, logout that works',
  claim: 'Short-lived access tokens limit what a stolen token is worth; a long-lived refresh token renews them, and must be stored, rotated and revocable to be safe.',
  requires: ['redis', 'database'],
  params: {
    accessTtlSec: { env: 'ACCESS_TOKEN_TTL_SEC', default: 2, min: 1, max: 600, summary: 'access token lifetime in seconds (the scenarios wait for it to pass)' },
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
      rejects: ['reuse-revokes-family', 'logout-revokes'],
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
      id: 'stateless-refresh-never-dies',
      statement: 'A refresh token stored nowhere keeps working after it was used and after logout; a garbage one gets a 500.',
      variant: 'refresh-stateless',
      steps: [
        login,
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
