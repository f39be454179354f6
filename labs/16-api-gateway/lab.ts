import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { b64, bearer, type CompanionDefinition, defineLab, DriveFailed, hs256, nowSec, type ScenarioContext, type ScenarioResponse, type ScenarioStep, send } from 'devcap/lab';
import { parts } from './services/parts.js';

/** The users the load signs in as, in turn: a dashboard assembled for the wrong user is wrong. */
const LOAD_USERS = ['7', '42', '108', '512'];

/** The gateway's HMAC secret: the lab signs the clients' tokens with it (and a forged one with another). */
const SECRET = 'lab-16-secret-keep-it-out-of-git-and-at-least-32-bytes';
const SERVICES = ['profile', 'orders', 'notifications'] as const;
type Service = (typeof SERVICES)[number];
/** Loads and the scenarios that are not about the limit never come near it. */
const UNREACHED_LIMIT = '1000000';
/** The limit of the rate-limit scenario: requests a minute per client, over all routes together. */
const LIMIT = 10;
/** A second client: another loopback address, so the gateway sees another `req.ip`. */
const OTHER_CLIENT = '127.0.0.2';
/** Dashboards a client assembles itself after each load, from three proxied calls. */
const CLIENT_DASHBOARDS = 1;

const tokenFor = (user: string) => hs256({ sub: user, exp: nowSec() + 3600 }, SECRET);
const validToken = () => tokenFor('42');
const signedIn = () => bearer(validToken());
/** User 42's valid token with its payload edited to say user 7: the signature no longer matches. */
const editedToken = () => {
  const [header, , signature] = validToken().split('.');
  return `${header}.${b64({ iat: nowSec(), sub: '7', exp: nowSec() + 3600 })}.${signature}`;
};
/** A token that says it needs no signature (`alg: none`), for user 42. */
const unsignedToken = () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iat: nowSec(), sub: '42', exp: nowSec() + 3600 })}.`;
/** The user a client claims to be in a header of its own, next to a token for someone else. */
const FORGED_USER = '7';

/** The three services, fresh beside every process of a gateway, each answering `/<name>`. */
const services: Record<string, CompanionDefinition> = Object.fromEntries(
  SERVICES.map((name) => [name, { file: 'services/service.js', summary: `the ${name} service`, readyPath: '/health', env: { SERVICE: name } }]),
);

const gateway = (file: string, summary: string, rateLimit = UNREACHED_LIMIT) => ({
  file,
  summary,
  env: { JWT_SECRET: SECRET, RATE_LIMIT: rateLimit },
  companions: services,
});

const servicePort = (context: ScenarioContext, name: Service) => context.processes.companions[name]![0]!.port;

/** Puts a service into a fault (or back to health) through its admin endpoint. */
async function setFault(context: ScenarioContext, name: Service, mode: 'healthy' | 'slow' | 'failing', ms = 0): Promise<void> {
  const { status } = await send({
    port: servicePort(context, name),
    path: '/admin/fault',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mode, ms }),
    timeoutMs: 10_000,
  });
  if (status !== 200) throw new Error(`${name}'s /admin/fault answered ${status}`);
}

/** How many requests each service has received so far. */
async function received(context: ScenarioContext): Promise<Record<Service, number>> {
  const counts = await Promise.all(
    SERVICES.map(async (name) => (JSON.parse((await send({ port: servicePort(context, name), path: '/stats', timeoutMs: 10_000 })).body) as { received: number }).received),
  );
  return Object.fromEntries(SERVICES.map((name, i) => [name, counts[i]!])) as Record<Service, number>;
}

const sameCounts = (a: Record<Service, number>, b: Record<Service, number>) => SERVICES.every((name) => a[name] === b[name]);

/** A step with no request: the services' counts must be exactly these. */
function servicesReceived(name: string, expected: Record<Service, number>): ScenarioStep {
  return {
    name,
    action: async (context) => {
      const counts = await received(context);
      return sameCounts(counts, expected) ? null : `the services received ${JSON.stringify(counts)}, expected ${JSON.stringify(expected)}`;
    },
  };
}

function json(response: ScenarioResponse): Record<string, unknown> {
  return JSON.parse(response.body) as Record<string, unknown>;
}

/** A dashboard with every part present, or with exactly `missing` absent and named. */
function dashboard(missing: Service[] = []) {
  return (response: ScenarioResponse): string | null => {
    const body = json(response);
    const absent = SERVICES.filter((name) => body[name] === undefined);
    if (absent.join() !== missing.join()) return `expected ${missing.length ? `only ${missing.join(', ')} missing` : 'every part'}, got ${response.body.slice(0, 120)}`;
    if (missing.length && JSON.stringify(body.missing) !== JSON.stringify(missing)) return `the answer should name what is missing (${missing.join(', ')}), got missing: ${JSON.stringify(body.missing)}`;
    return null;
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

/**
 * A fresh gateway's first dashboard also loads its HTTP client and opens its connections to
 * the services: on a busy machine that alone can outlast a deadline. Not judged.
 */
const firstDashboard: ScenarioStep = {
  name: "a first dashboard (a fresh gateway's first calls also open its connections): 200",
  path: '/dashboard',
  headers: signedIn,
  expectStatus: 200,
};

/** Orders made slow: the fault of the two timeout claims. */
const ordersTurnSlow = (): ScenarioStep => ({
  name: 'orders turns slow',
  action: (context) => setFault(context, 'orders', 'slow', context.params.slowMs!),
});

/** Times one dashboard assembled by a client from three calls through the gateway's proxy, at once or in turn. */
async function clientDashboardMs(port: number, agent: Agent, atOnce: boolean): Promise<number> {
  const get = async (path: string) => {
    const { status } = await send({ port, path, agent, headers: signedIn(), timeoutMs: 10_000, discardBody: true });
    if (status !== 200) throw new DriveFailed(`GET ${path} answered ${status}`);
  };
  const started = performance.now();
  if (atOnce) await Promise.all(SERVICES.map((name) => get(`/${name}`)));
  else for (const name of SERVICES) await get(`/${name}`);
  return performance.now() - started;
}

export default defineLab({
  day: 16,
  slug: 'api-gateway',
  title: 'API gateway: one entry point, fan-out in parallel, timeouts, a circuit breaker, checks at the edge',
  summary:
    'a gateway with three service processes: sequential vs `Promise.all` fan-out against a model (sum vs slowest); one slow service without a timeout and with `AbortSignal.timeout` (a partial answer naming what is missing); an opossum circuit breaker that stops calling a failing service; auth and a rate limit at the edge, checked against what each service received; a client calling each service through `http-proxy-middleware`',
  claim:
    'A gateway that calls its services in parallel costs the slowest of them, not the sum; a per-service timeout and a circuit breaker keep one bad service from holding every answer; auth and rate limits at the edge hold for every route.',
  variants: {
    'gateway-sequential': gateway('variants/gateway-sequential.js', 'the dashboard: profile, then orders, then notifications'),
    'gateway-parallel': gateway('variants/gateway-parallel.js', 'the dashboard: Promise.all over the three calls, no timeout'),
    'gateway-timeout': gateway('variants/gateway-timeout.js', 'Promise.allSettled, each call with AbortSignal.timeout; a partial answer names what is missing'),
    'gateway-breaker': gateway('variants/gateway-breaker.js', 'gateway-timeout plus an opossum circuit breaker around each service'),
    'gateway-limited': gateway('variants/gateway-parallel.js', `gateway-parallel with a limit of ${LIMIT} requests a minute per client (scenario only)`, String(LIMIT)),
  },
  params: {
    profileMs: { env: 'PROFILE_MS', default: 50, min: 0, max: 2_000, summary: 'response time of the profile service, ms' },
    ordersMs: { env: 'ORDERS_MS', default: 80, min: 0, max: 2_000, summary: 'response time of the orders service, ms' },
    notificationsMs: { env: 'NOTIFICATIONS_MS', default: 100, min: 0, max: 2_000, summary: 'response time of the notifications service, ms' },
    timeoutMs: { env: 'SERVICE_TIMEOUT_MS', default: 300, min: 1, max: 10_000, summary: "the timeout gateways' deadline per service call, ms" },
    slowMs: { env: 'SLOW_MS', default: 800, min: 1, max: 5_000, summary: 'response time of a service made slow (or failing) by a scenario, ms' },
  },
  workload: {
    variants: ['gateway-sequential', 'gateway-parallel'],
    path: '/dashboard',
    get headers() {
      return signedIn();
    },
    // Each user's dashboard: the three parts their services give them.
    requests: () =>
      LOAD_USERS.map((user) => ({
        path: '/dashboard',
        headers: bearer(hs256({ sub: user, exp: nowSec() + 3600 }, SECRET)),
        expect: { json: { profile: parts.profile!(user), orders: parts.orders!(user), notifications: parts.notifications!(user) } },
      })),
    readyPath: '/health',
    sizing: { durationSec: 2, warmupRequests: 4, rounds: 5, connections: [2] },
    quick: { durationSec: 1, warmupRequests: 4, rounds: 5, connections: [2] },
  },
  metrics: {
    clientAtOnceMs: { label: 'client: 3 calls at once', unit: 'ms', better: 'lower' },
    clientInTurnMs: { label: 'client: 3 calls in turn', unit: 'ms', better: 'lower' },
  },
  // After each load of gateway-parallel: the same dashboard, assembled by the client itself through
  // the gateway's proxy routes (the same routes in every variant, so measured once per round).
  async drive({ port, variant }) {
    if (variant !== 'gateway-parallel') return {};
    const agent = new Agent({ keepAlive: true, maxSockets: SERVICES.length });
    try {
      await clientDashboardMs(port, agent, true); // opens the connections
      const atOnce: number[] = [];
      const inTurn: number[] = [];
      for (let i = 0; i < CLIENT_DASHBOARDS; i++) {
        atOnce.push(await clientDashboardMs(port, agent, true));
        inTurn.push(await clientDashboardMs(port, agent, false));
      }
      return { clientAtOnceMs: median(atOnce), clientInTurnMs: median(inTurn) };
    } finally {
      agent.destroy();
    }
  },
  report: {
    headline: 'latencyP50Ms',
    columns: ['latencyP50Ms', 'latencyP99Ms', 'requestsPerSec', 'clientAtOnceMs', 'clientInTurnMs', 'serverCpuMsPerRequest'],
  },
  controls: {
    'sequential-as-parallel': {
      file: 'controls/sequential-as-parallel.js',
      replaces: 'gateway-parallel',
      summary: 'the sequential gateway in the place of the parallel one',
      rejects: ['parallel-costs-the-slowest'],
    },
    'parallel-as-sequential': {
      file: 'controls/parallel-as-sequential.js',
      replaces: 'gateway-sequential',
      summary: 'the parallel gateway in the place of the sequential one',
      rejects: ['sequential-costs-the-sum'],
    },
    'timeout-as-parallel': {
      file: 'controls/timeout-as-parallel.js',
      replaces: 'gateway-parallel',
      summary: 'the timeout gateway in the place of the one without a timeout',
      rejects: ['no-timeout-waits-for-the-slowest'],
    },
    'timeout-without-timeout': {
      file: 'controls/timeout-without-timeout.js',
      replaces: 'gateway-timeout',
      summary: 'the timeout gateway with the AbortSignal taken out',
      rejects: ['timeout-answers-partial'],
    },
    'breaker-removed': {
      file: 'controls/breaker-removed.js',
      replaces: 'gateway-breaker',
      summary: 'the breaker gateway with the breakers taken out (the timeout gateway)',
      rejects: ['breaker-fails-fast'],
    },
    'auth-after-proxy': {
      file: 'controls/auth-after-proxy.js',
      replaces: 'gateway-parallel',
      summary: 'a gateway that mounts its proxy routes before the auth check',
      rejects: ['auth-at-the-edge'],
    },
    'proxy-trusting-client-user-id': {
      file: 'controls/proxy-trusting-client-user-id.js',
      replaces: 'gateway-parallel',
      summary: 'a gateway that passes on an x-user-id the client sent, naming the authenticated user only when none came',
      rejects: ['identity-comes-from-the-token'],
    },
    'decode-instead-of-verify': {
      file: 'controls/decode-instead-of-verify.js',
      replaces: 'gateway-parallel',
      summary: 'a gateway that reads the token with jwt.decode, not jwt.verify: forged, edited and expired tokens get in',
      rejects: ['auth-at-the-edge'],
    },
    'dashboard-cached-once': {
      file: 'controls/dashboard-cached-once.js',
      replaces: 'gateway-parallel',
      summary: 'wrong but fast: the first dashboard assembled is answered to every user after it',
      rejects: ['parallel-costs-the-slowest'],
      expect: 'invalid',
    },
    'limit-on-dashboard-only': {
      file: 'controls/limit-on-dashboard-only.js',
      replaces: 'gateway-limited',
      summary: 'a gateway whose rate limit guards /dashboard only',
      rejects: ['rate-limit-holds-for-every-route'],
    },
    'one-counter-for-everyone': {
      file: 'controls/one-counter-for-everyone.js',
      replaces: 'gateway-limited',
      summary: 'a gateway whose rate limit keeps one counter for every client together',
      rejects: ['rate-limit-holds-for-every-route'],
    },
  },
  claims: [
    // Judged against the model, round by round: with --set the lesson stays true where a fixed ratio would not.
    {
      kind: 'model',
      id: 'parallel-costs-the-slowest',
      statement:
        'A gateway that calls the three services at once answers in the time of the slowest one, plus its hops: 0.9–1.5× of it, round by round (at the default times the sum is 2.3× the slowest).',
      metric: 'latencyP50Ms',
      variant: 'gateway-parallel',
      within: [0.9, 1.5],
    },
    {
      kind: 'model',
      id: 'sequential-costs-the-sum',
      statement: 'A gateway that calls them one after another answers in the sum of their times, plus its hops: 0.9–1.5× of it, round by round (at the default times the slowest alone is 0.43× the sum).',
      metric: 'latencyP50Ms',
      variant: 'gateway-sequential',
      within: [0.9, 1.5],
    },
    {
      kind: 'scenario',
      id: 'no-timeout-waits-for-the-slowest',
      statement: 'Without a timeout, one slow service makes every dashboard as slow as that service.',
      variant: 'gateway-parallel',
      steps: [
        firstDashboard,
        { name: 'with every service healthy, the dashboard is complete', path: '/dashboard', headers: signedIn, expectStatus: 200, check: dashboard() },
        ordersTurnSlow(),
        {
          name: 'the next dashboard waits for orders: at least 90% of its slow time',
          path: '/dashboard',
          headers: signedIn,
          expectStatus: 200,
          check: (response, context) => {
            const slowMs = context.params.slowMs!;
            return response.elapsedMs >= 0.9 * slowMs ? dashboard()(response) : `answered in ${response.elapsedMs.toFixed(0)} ms, without waiting for the ${slowMs} ms service`;
          },
        },
      ],
    },
    {
      kind: 'scenario',
      id: 'timeout-answers-partial',
      statement: 'With a timeout per service, a slow service costs the timeout, and the dashboard answers with what arrived and says what is missing.',
      variant: 'gateway-timeout',
      steps: [
        firstDashboard,
        { name: 'with every service healthy, the dashboard is complete and misses nothing', path: '/dashboard', headers: signedIn, expectStatus: 200, check: dashboard() },
        ordersTurnSlow(),
        {
          name: 'the next dashboard answers within the timeout (well before orders would): 200, orders missing and named',
          path: '/dashboard',
          headers: signedIn,
          expectStatus: 200,
          check: (response, context) => {
            const { slowMs, timeoutMs } = context.params as { slowMs: number; timeoutMs: number };
            // Halfway between the deadline and the slow service: the timeout, not the service, decided.
            const bound = (timeoutMs + slowMs) / 2;
            if (response.elapsedMs > bound) return `answered in ${response.elapsedMs.toFixed(0)} ms: the ${timeoutMs} ms timeout did not cut orders off (the claim needs under ${bound} ms)`;
            return dashboard(['orders'])(response);
          },
        },
      ],
    },
    {
      kind: 'scenario',
      id: 'breaker-fails-fast',
      statement:
        'With a circuit breaker, a service that fails slowly is soon not called at all: its failures stop costing the timeout, and it receives no more requests.',
      variant: 'gateway-breaker',
      steps: [
        firstDashboard,
        { name: 'with every service healthy, the dashboard is complete', path: '/dashboard', headers: signedIn, expectStatus: 200, check: dashboard() },
        {
          name: 'notifications fails slowly (a 503 after slowMs); 4 dashboards: the first calls wait out the timeout, the breaker opens',
          action: (context) => setFault(context, 'notifications', 'failing', context.params.slowMs!),
          path: '/dashboard',
          headers: signedIn,
          repeat: 4,
          expectStatus: 200,
          check: async (response, context) => {
            context.vars.before = await received(context);
            return dashboard(['notifications'])(response);
          },
        },
        {
          name: '6 more dashboards: notifications missing, answered in under two thirds of the timeout (median), and notifications receives none of them',
          path: '/dashboard',
          headers: signedIn,
          repeat: 6,
          expectStatus: 200,
          check: async (response, context, all) => {
            const before = context.vars.before as Record<Service, number>;
            const after = await received(context);
            const timeoutMs = context.params.timeoutMs!;
            const typicalMs = median(all.map((each) => each.elapsedMs));
            if (after.notifications !== before.notifications) return `notifications received ${after.notifications - before.notifications} more calls: the gateway kept calling it`;
            if (typicalMs > (2 / 3) * timeoutMs) return `a dashboard took ${typicalMs.toFixed(0)} ms (median), not under two thirds of the ${timeoutMs} ms timeout`;
            return dashboard(['notifications'])(response);
          },
        },
      ],
    },
    {
      kind: 'scenario',
      id: 'auth-at-the-edge',
      statement: 'Requests without a valid token (none, signed with another secret, expired, edited, unsigned) are refused at the gateway, on every route: not one reaches a service.',
      variant: 'gateway-parallel',
      steps: [
        { name: '5 dashboards without a token: 401', path: '/dashboard', repeat: 5, expectStatus: 401 },
        { name: '5 proxied /profile without a token: 401', path: '/profile', repeat: 5, expectStatus: 401 },
        { name: '5 proxied /orders with a token signed by someone else: 401', path: '/orders', headers: () => bearer(hs256({ sub: '42', exp: nowSec() + 3600 }, 'not-the-gateway-secret-but-also-32-bytes-long')), repeat: 5, expectStatus: 401 },
        { name: '5 proxied /notifications with an expired token: 401', path: '/notifications', headers: () => bearer(hs256({ sub: '42', exp: nowSec() - 60 }, SECRET)), repeat: 5, expectStatus: 401 },
        { name: "5 proxied /profile with user 42's token edited to say user 7: 401", path: '/profile', headers: () => bearer(editedToken()), repeat: 5, expectStatus: 401 },
        { name: '5 dashboards with an unsigned token (alg: none): 401', path: '/dashboard', headers: () => bearer(unsignedToken()), repeat: 5, expectStatus: 401 },
        servicesReceived('no service received any of those 30 requests', { profile: 0, orders: 0, notifications: 0 }),
        { name: 'one dashboard with a valid token: 200', path: '/dashboard', headers: signedIn, expectStatus: 200, check: dashboard() },
        servicesReceived('each service received exactly that one call (the counters count)', { profile: 1, orders: 1, notifications: 1 }),
      ],
    },
    {
      kind: 'scenario',
      id: 'identity-comes-from-the-token',
      statement: `The services see the user the token names, never one the client claims: an x-user-id header sent by the client (user ${FORGED_USER}) is overwritten on every route.`,
      variant: 'gateway-parallel',
      steps: [
        {
          name: `proxied /profile with user 42's token and x-user-id: ${FORGED_USER}: user 42's profile`,
          path: '/profile',
          headers: () => ({ ...signedIn(), 'x-user-id': FORGED_USER }),
          expectStatus: 200,
          expect: { json: parts.profile!('42') },
        },
        {
          name: `proxied /orders with user 108's token and x-user-id: ${FORGED_USER}: user 108's orders`,
          path: '/orders',
          headers: () => ({ ...bearer(tokenFor('108')), 'x-user-id': FORGED_USER }),
          expectStatus: 200,
          expect: { json: parts.orders!('108') },
        },
        {
          name: `a dashboard with user 512's token and x-user-id: ${FORGED_USER}: user 512's dashboard, every part`,
          path: '/dashboard',
          headers: () => ({ ...bearer(tokenFor('512')), 'x-user-id': FORGED_USER }),
          expectStatus: 200,
          expect: { json: { profile: parts.profile!('512'), orders: parts.orders!('512'), notifications: parts.notifications!('512') } },
        },
      ],
    },
    {
      kind: 'scenario',
      id: 'rate-limit-holds-for-every-route',
      statement: `The gateway's limit of ${LIMIT} requests a minute counts every route together for each client, a refused request reaches no service, and another client has a count of its own.`,
      variant: 'gateway-limited',
      steps: [
        { name: '3 dashboards: 200', path: '/dashboard', headers: signedIn, repeat: 3, expectStatus: 200 },
        { name: '3 proxied /profile: 200', path: '/profile', headers: signedIn, repeat: 3, expectStatus: 200 },
        { name: '3 proxied /orders: 200', path: '/orders', headers: signedIn, repeat: 3, expectStatus: 200 },
        { name: `3 proxied /notifications: the ${LIMIT}th is served, the rest refused`, path: '/notifications', headers: signedIn, repeat: 3, expectStatusCounts: { 200: 1, 429: 2 } },
        { name: '2 more dashboards: 429, with Retry-After', path: '/dashboard', headers: signedIn, repeat: 2, expectStatus: 429, check: (response) => (Number(response.headers['retry-after']) > 0 ? null : 'no Retry-After header') },
        { name: `another client (${OTHER_CLIENT}), same token: a count of its own, ${LIMIT} /profile served, the next refused`, path: '/profile', from: OTHER_CLIENT, headers: signedIn, repeat: LIMIT + 1, expectStatusCounts: { 200: LIMIT, 429: 1 } },
        servicesReceived('the services received the served requests only', { profile: 6 + LIMIT, orders: 6, notifications: 4 }),
      ],
    },
  ],
  measures: [
    {
      id: 'sequential-vs-parallel',
      statement: 'What calling the services at once saves, p50 of the sequential gateway over the parallel one.',
      metric: 'latencyP50Ms',
      numerator: 'gateway-sequential',
      denominator: 'gateway-parallel',
    },
  ],
  model: {
    statement:
      'The gateway waits for its calls as its code orders them: one after another, the sum of the services\' response times; ' +
      'at once, the slowest of them. Each call adds a loopback hop, JSON and a shared CPU: a few milliseconds more.',
    predict({ params }) {
      const times = [params.profileMs!, params.ordersMs!, params.notificationsMs!];
      return [
        { variant: 'gateway-sequential', metric: 'latencyP50Ms', value: times.reduce((a, b) => a + b, 0), reasoning: `${times.join(' + ')} ms (sum)` },
        { variant: 'gateway-parallel', metric: 'latencyP50Ms', value: Math.max(...times), reasoning: `max(${times.join(', ')}) ms` },
      ];
    },
  },
  takeaway:
    'Put one gateway in front of the services: it checks who is calling and how often once, for every route, and fans a page\'s calls out at once. ' +
    'Give every call a deadline and answer with what arrived; put a breaker around a service that fails, so its failures cost nothing while it recovers.',
});
