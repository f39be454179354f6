import { SHOP_TABLES } from '../../fixtures/shop.js';
import { USER_TABLES } from '../../fixtures/users.js';
import { b64, bearer, defineLab, hs256, JSON_HEADERS, loginAs, protectedRouteLoad, queryDatabase, readPayload, type ScenarioContext, type ScenarioStep, tokenOf, userId } from 'devcap/lab';

/** The HMAC secret every variant signs and verifies with (a learner's JWT_SECRET). */
const SECRET = 'lab-10-secret-keep-it-out-of-git-and-at-least-32-bytes';

type Method = 'GET' | 'PATCH' | 'DELETE';

/** One request, as `who` (a name a login step kept a token under) or with no token at all. */
function call(who: string | null, method: Method, path: string, expectStatus: number, body?: object): ScenarioStep {
  return {
    name: `${method} ${path} ${who ? `as ${who}` : 'without a token'}: ${expectStatus}`,
    method,
    path,
    headers: (context) => ({ ...JSON_HEADERS, ...(who ? bearer(tokenOf(context, who)) : {}) }),
    body: body ? JSON.stringify(body) : undefined,
    expectStatus,
  };
}

/** A row as the database holds it now (the lab reads the database directly, as a test would). */
async function row(context: ScenarioContext, name: 'userById' | 'orderById', id: number): Promise<Record<string, unknown> | undefined> {
  const response = await fetch(`${context.env.DATABASE_URL}/query`, {
    method: 'POST',
    headers: JSON_HEADERS,
    body: JSON.stringify({ name, params: [id] }),
  });
  return ((await response.json()) as { rows: Record<string, unknown>[] }).rows[0];
}

/** Demotes a user in the database: what an admin panel would do. */
function demote(username: string): NonNullable<ScenarioStep['action']> {
  return async (context) => {
    const response = await fetch(`${context.env.DATABASE_URL}/query`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ name: 'setUserRole', params: ['user', userId(username)] }),
    });
    const [user] = ((await response.json()) as { rows: Array<{ role: string }> }).rows;
    return user?.role === 'user' ? null : `could not demote ${username}`;
  };
}

const userExists = (id: number, exists: boolean) => async (_response: unknown, context: ScenarioContext) =>
  Boolean(await row(context, 'userById', id)) === exists ? null : `user ${id} ${exists ? 'is gone' : 'is still there'}`;

const orderQuantity = (id: number, quantity: number) => async (_response: unknown, context: ScenarioContext) => {
  const order = await row(context, 'orderById', id);
  return order?.quantity === quantity ? null : `order ${id} in the database: ${JSON.stringify(order)}, expected quantity ${quantity}`;
};

/** One request with a token the scenario makes itself (edited, forged, unsigned). */
function callWith(name: string, token: (context: ScenarioContext) => string, method: Method, path: string, expectStatus: number): ScenarioStep {
  return { name, method, path, headers: (context) => ({ ...JSON_HEADERS, ...bearer(token(context)) }), expectStatus };
}

/** Linus's own token, its payload edited to role admin, header and signature kept. */
function editedToAdmin(context: ScenarioContext): string {
  const [header, , signature] = tokenOf(context, 'linus').split('.');
  return `${header}.${b64({ ...readPayload(tokenOf(context, 'linus')), role: 'admin' })}.${signature}`;
}

const linusAsAdmin = { sub: String(userId('linus')), username: 'linus', role: 'admin' };

/** The users each route of the matrix acts on: product 1, and user `DELETED` (temp7), which the admin deletes. */
const DELETED = userId('temp7');
const MATRIX: Record<'linus' | 'grace' | 'ada', [read: number, update: number, remove: number]> = {
  linus: [200, 403, 403], // user
  grace: [200, 200, 403], // editor
  ada: [200, 200, 204], // admin
};

export default defineLab({
  day: 10,
  slug: 'rbac',
  title: 'RBAC: 401 vs 403, stale roles in tokens, ownership, and authorize without authenticate',
  summary:
    'the user/editor/admin × read/update/delete matrix with exact statuses (401 vs 403); a demoted admin keeps deleting with the role in the token and is refused at once with the role looked up per request; BOLA without and with an ownership check; `authorize()` without `authenticate` answers 500; what the lookup costs in req/s',
  claim: 'Roles decide what an authenticated user may do: no token is 401, a wrong role is 403; but a role in a token outlives a demotion, and a role never says whose record it is.',
  requires: ['database'],
  // The shop's products and the accounts, with the orders they own.
  database: { tables: [SHOP_TABLES, USER_TABLES] },
  variants: {
    'role-in-token': { file: 'variants/role-in-token.js', summary: "the lesson's: the role from the token, no ownership check", env: { JWT_SECRET: SECRET } },
    'role-per-request': { file: 'variants/role-per-request.js', summary: 'the role looked up in the database on every request', env: { JWT_SECRET: SECRET } },
    'owner-checked': { file: 'variants/owner-checked.js', summary: 'the role from the token, and orders checked for their owner', env: { JWT_SECRET: SECRET } },
    'authorize-without-auth': {
      file: 'variants/authorize-without-auth.js',
      summary: "DELETE /api/users/:id guarded by authorize('admin') with no authenticate before it",
      env: { JWT_SECRET: SECRET },
    },
  },
  controls: {
    'decode-as-role-in-token': {
      file: 'controls/decode-as-role-in-token.js',
      replaces: 'role-in-token',
      summary: 'authenticate with jwt.decode, no signature check: an edited role is believed',
      rejects: ['forged-role-refused'],
    },
    'answers-without-writing-as-owner-checked': {
      file: 'controls/answers-without-writing-as-owner-checked.js',
      replaces: 'owner-checked',
      summary: 'wrong but fast: PATCH answers the new quantity and never writes it',
      rejects: ['ownership-check-refuses'],
    },
    'authorize-without-auth-as-role-in-token': {
      file: 'controls/authorize-without-auth-as-role-in-token.js',
      replaces: 'role-in-token',
      summary: 'authorize without authenticate on DELETE: 500 where the matrix expects 401/403/204',
      rejects: ['rbac-matrix'],
    },
    'role-per-request-as-role-in-token': {
      file: 'controls/role-per-request-as-role-in-token.js',
      replaces: 'role-in-token',
      summary: 'the per-request lookup where the token role should be: the demoted admin is refused',
      rejects: ['stale-role-in-token'],
    },
    'role-in-token-as-role-per-request': {
      file: 'controls/role-in-token-as-role-per-request.js',
      replaces: 'role-per-request',
      summary: 'the token role where the lookup should be: the demoted admin keeps deleting',
      rejects: ['role-looked-up-refuses-at-once'],
    },
    'owner-checked-as-role-in-token': {
      file: 'controls/owner-checked-as-role-in-token.js',
      replaces: 'role-in-token',
      summary: "the ownership check where none should be: the other user's order is refused",
      rejects: ['bola-without-ownership-check'],
    },
    'role-in-token-as-owner-checked': {
      file: 'controls/role-in-token-as-owner-checked.js',
      replaces: 'owner-checked',
      summary: "no ownership check where one should be: the other user's order is changed",
      rejects: ['ownership-check-refuses'],
    },
    'role-in-token-as-authorize-without-auth': {
      file: 'controls/role-in-token-as-authorize-without-auth.js',
      replaces: 'authorize-without-auth',
      summary: 'authenticate before authorize: 401 and 204, no 500',
      rejects: ['authorize-without-auth-is-500'],
    },
  },
  // What the per-request lookup costs: linus reads a product, his role from the token vs from the database.
  // Each user reads a product of their own number, as the database holds it.
  workload: protectedRouteLoad(['role-in-token', 'role-per-request'], '/api/products/1', SECRET, undefined, async (user, { env }) => ({
    path: `/api/products/${user.id}`,
    expect: { json: (await queryDatabase(env.DATABASE_URL!, 'productById', [user.id]))[0] },
  })),
  report: {
    columns: ['requestsPerSec', 'latencyP50Ms', 'latencyP99Ms', 'serverCpuMsPerRequest', 'serverCpuCores'],
  },
  claims: [
    {
      kind: 'scenario',
      id: 'rbac-matrix',
      statement: 'user / editor / admin × read a product / update a product / delete a user: exact statuses; no token is 401, a wrong role 403.',
      variant: 'role-in-token',
      steps: [
        call(null, 'GET', '/api/products/1', 401),
        call(null, 'PATCH', '/api/products/1', 401, { price: 9.99 }),
        call(null, 'DELETE', `/api/users/${DELETED}`, 401),
        ...(['linus', 'grace', 'ada'] as const).flatMap((who) => [
          loginAs(who),
          call(who, 'GET', '/api/products/1', MATRIX[who][0]),
          call(who, 'PATCH', '/api/products/1', MATRIX[who][1], { price: 19.99 }),
          call(who, 'DELETE', `/api/users/${DELETED}`, MATRIX[who][2]),
        ]),
        { name: `user ${DELETED} is gone from the database`, action: async (context) => userExists(DELETED, false)(null, context) },
      ],
    },
    {
      kind: 'scenario',
      id: 'forged-role-refused',
      statement: 'A user who edits his token to say "role": "admin" (signature kept), signs one with another secret or with alg "none" is refused with 401 and deletes nothing; his real token is a 403.',
      variant: 'role-in-token',
      steps: [
        loginAs('linus'),
        callWith('DELETE a user with linus\'s token edited to role admin: 401', editedToAdmin, 'DELETE', `/api/users/${userId('temp13')}`, 401),
        callWith('the same with a token saying admin, signed with another secret: 401', () => hs256(linusAsAdmin, 'not-the-servers-secret'), 'DELETE', `/api/users/${userId('temp13')}`, 401),
        callWith('the same with alg "none" and no signature: 401', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(linusAsAdmin)}.`, 'DELETE', `/api/users/${userId('temp13')}`, 401),
        {
          ...call('linus', 'DELETE', `/api/users/${userId('temp13')}`, 403),
          name: 'the same with linus\'s real token: 403 (a user), and temp13 is still there',
          check: userExists(userId('temp13'), true),
        },
      ],
    },
    {
      kind: 'scenario',
      id: 'stale-role-in-token',
      statement: 'With the role in the token, an admin demoted in the database still deletes users until the token expires.',
      variant: 'role-in-token',
      steps: [
        loginAs('ops1'),
        call('ops1', 'DELETE', `/api/users/${userId('temp8')}`, 204),
        {
          ...call('ops1', 'DELETE', `/api/users/${userId('temp9')}`, 204),
          name: 'demote ops1 to user in the database, then DELETE with the same token: 204 all the same',
          action: demote('ops1'),
        },
        { name: 'temp9 is gone', action: async (context) => userExists(userId('temp9'), false)(null, context) },
      ],
    },
    {
      kind: 'scenario',
      id: 'role-looked-up-refuses-at-once',
      statement: 'With the role looked up on every request, the demoted admin is refused (403) on the very next request.',
      variant: 'role-per-request',
      steps: [
        loginAs('ops2'),
        call('ops2', 'DELETE', `/api/users/${userId('temp10')}`, 204),
        {
          ...call('ops2', 'DELETE', `/api/users/${userId('temp11')}`, 403),
          name: 'demote ops2 to user in the database, then DELETE with the same token: 403, and temp11 is still there',
          action: demote('ops2'),
          check: userExists(userId('temp11'), true),
        },
      ],
    },
    {
      kind: 'scenario',
      id: 'bola-without-ownership-check',
      statement: "Without an ownership check, linus (a user) changes margaret's order: 200, and the database holds his quantity.",
      variant: 'role-in-token',
      steps: [
        loginAs('linus'),
        {
          ...call('linus', 'PATCH', '/api/orders/2', 200, { quantity: 99 }),
          name: "PATCH margaret's order 2 as linus: 200, and the database says quantity 99",
          check: orderQuantity(2, 99),
        },
      ],
    },
    {
      kind: 'scenario',
      id: 'ownership-check-refuses',
      statement: "With the ownership check, linus gets 403 on margaret's order, which stays as it was, and 200 on his own.",
      variant: 'owner-checked',
      steps: [
        loginAs('linus'),
        {
          ...call('linus', 'PATCH', '/api/orders/4', 403, { quantity: 99 }),
          name: "PATCH margaret's order 4 as linus: 403, and its quantity is still 3",
          check: orderQuantity(4, 3),
        },
        {
          ...call('linus', 'PATCH', '/api/orders/1', 200, { quantity: 5 }),
          name: 'PATCH his own order 1: 200, quantity 5',
          check: orderQuantity(1, 5),
        },
      ],
    },
    {
      kind: 'scenario',
      id: 'authorize-without-auth-is-500',
      statement: "authorize('admin') without authenticate before it answers 500 to everyone, admin included (req.user is undefined), and deletes nothing.",
      variant: 'authorize-without-auth',
      steps: [
        loginAs('ada'),
        call('ada', 'GET', '/api/products/1', 200),
        {
          ...call('ada', 'DELETE', `/api/users/${userId('temp12')}`, 500),
          name: 'DELETE a user as ada, an admin: 500, temp12 still there',
          check: userExists(userId('temp12'), true),
        },
        { ...call(null, 'DELETE', `/api/users/${userId('temp12')}`, 500), name: 'the same without a token: 500, not 401' },
      ],
    },
  ],
  measures: [
    {
      id: 'role-lookup-cost',
      statement: 'Throughput of a protected read with the role looked up in the database on every request, relative to the role from the token.',
      metric: 'requestsPerSec',
      numerator: 'role-per-request',
      denominator: 'role-in-token',
    },
  ],
  takeaway:
    'Authenticate, then authorize, on every protected route: 401 means "who are you?", 403 "not you". ' +
    'A role in a token is a snapshot until it expires: look it up (or keep tokens short) where revoking matters. And check ownership: a role is not an owner.',
});
