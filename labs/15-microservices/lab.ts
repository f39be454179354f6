import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CompanionDefinition, defineLab, DriveFailed, JSON_HEADERS, quantile, type ScenarioContext, type ScenarioResponse, send, sendConcurrently } from 'devcap/lab';
import { hopRoundTripMs } from './measure/hop.js';

/** Every order of the load: user 42 buys one unit of SKU-0007. */
const ORDER = JSON.stringify({ userId: 42, sku: 'SKU-0007', quantity: 1 });
/** User 13 has no email address on file: the confirmation code throws for this order. */
const ORDER_WITHOUT_EMAIL = JSON.stringify({ userId: 13, sku: 'SKU-0007', quantity: 1 });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** What SKU-0007 costs in the shop's price list (499 + 7 × 25 cents). */
const SKU_7_CENTS = 674;

/** A taken order: 201, the order as sent, its price, a payment and a confirmation queued (or, with notifications down, degraded). */
const orderTakenWith = (notification: 'queued' | 'degraded') => ({ body }: { body: string }): string | null => {
  const order = JSON.parse(body) as Record<string, unknown>;
  const sent = JSON.parse(ORDER) as Record<string, unknown>;
  for (const key of ['userId', 'sku', 'quantity'] as const) if (order[key] !== sent[key]) return `${key} ${JSON.stringify(order[key])}, expected ${JSON.stringify(sent[key])}`;
  if (order.amountCents !== SKU_7_CENTS) return `amountCents ${JSON.stringify(order.amountCents)}, expected ${SKU_7_CENTS}`;
  if (typeof order.orderId !== 'string' || !UUID.test(order.orderId)) return `orderId ${JSON.stringify(order.orderId)} is not a UUID`;
  if (typeof order.paymentId !== 'string' || !UUID.test(order.paymentId)) return `paymentId ${JSON.stringify(order.paymentId)} is not a UUID`;
  if (order.notification !== notification) return `notification ${JSON.stringify(order.notification)}, expected "${notification}"`;
  return null;
};
const orderTaken = orderTakenWith('queued');
/**
 * An order kept serving is answered within this: a few hundred times an order's time here. An
 * order service that waits for a dead service (retrying it, say) is alive and answers no one.
 */
const ORDER_BOUND_MS = 2000;
/** Calls one order makes in the split system: users, stock, payments, notifications. */
const HOPS = 4;
/**
 * How long orders are sent after each load as the load sends them, to count the CPU time
 * they cost: the same time for every variant, so the fast monolith is counted over
 * hundreds of orders rather than over a few milliseconds.
 */
const BURST_MS = 300;
/** Then orders sent one at a time, each timed: the cost of an order with no queue. */
const TIMED_ORDERS = 60;
/** The quantile of those times the lab reports: the orders the shared machine did not interrupt. */
const QUANTILE = 0.1;
/** Round trips the calibration times, after half as many untimed. */
const CALIBRATION_TRIPS = 100;
/** The id the trace scenario sends with its order. */
const TRACE_ID = 'trace-order-15';
const SERVICE_NAMES = ['users', 'stock', 'payments', 'notifications'] as const;

const service = (name: string, summary: string): CompanionDefinition => ({ file: `services/${name}.js`, summary, readyPath: '/ping' });
const SERVICES = {
  users: service('users', 'checkUser over HTTP'),
  stock: service('stock', 'reserveStock over HTTP'),
  payments: service('payments', 'takePayment over HTTP'),
  notifications: service('notifications', 'the confirmation email over HTTP, sent after answering'),
};

function postOrder(port: number, body: string, agent: Agent | false, requestId?: string) {
  const headers = { ...JSON_HEADERS, ...(requestId ? { 'x-request-id': requestId } : {}) };
  return send({ port, path: '/orders', method: 'POST', headers, body, agent, timeoutMs: 10_000 });
}

/** Polls `test` every 20 ms for up to `timeoutMs` (a log line arrives a moment after its answer). */
async function eventually(test: () => boolean, timeoutMs = 2000): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!test()) {
    if (performance.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

async function placeOrder(port: number, agent: Agent, requestId?: string): Promise<void> {
  const { status } = await postOrder(port, ORDER, agent, requestId);
  if (status !== 201) throw new DriveFailed(`POST /orders answered ${status}`);
}

/** Orders for `durationMs`, `concurrency` at a time on as many kept-alive connections; how many were placed. */
function placeOrders(port: number, durationMs: number, concurrency: number): Promise<number> {
  return sendConcurrently({ concurrency, durationMs, send: (agent) => placeOrder(port, agent) });
}

/** The CPU time the processes on these ports have spent so far, in ms, by their own account. */
async function totalCpuMs(ports: number[]): Promise<number> {
  const readings = await Promise.all(
    ports.map(async (port) => {
      const { status, body } = await send({ port, path: '/metrics', timeoutMs: 10_000 });
      if (status !== 200) throw new DriveFailed(`GET /metrics answered ${status}`);
      return (JSON.parse(body) as { cpuMs: number }).cpuMs;
    }),
  );
  return readings.reduce((sum, value) => sum + value, 0);
}

/** The lines of a log that mention `text`. */
const linesWith = (log: string, text: string) => log.split('\n').filter((line) => line.includes(text));

export default defineLab({
  day: 15,
  slug: 'microservices',
  title: 'Monolith vs microservices: what a hop costs, and a failure that stays in its service',
  summary:
    'one order endpoint as a monolith and as an order service calling four services over HTTP (kept alive, or a connection per call): CPU per order across all processes, a hop model from a calibrated round trip, connections per call; an uncaught exception in the notification code ends the monolith while the split system keeps taking orders; one request id traced through five logs',
  claim: 'Every network hop adds a round trip and costs CPU, so one machine serves more orders as a monolith; split into services, a crash in one part leaves the others taking orders.',
  variants: {
    monolith: { file: 'variants/monolith.js', summary: 'one process: the steps are function calls' },
    'split-keepalive': {
      file: 'variants/split-keepalive.js',
      summary: 'an order service calling four services over HTTP, connections kept alive',
      companions: SERVICES,
    },
    'split-new-connection': {
      file: 'variants/split-new-connection.js',
      summary: 'the same, a new TCP connection for every call',
      companions: SERVICES,
    },
  },
  workload: {
    method: 'POST',
    path: '/orders',
    headers: JSON_HEADERS,
    body: ORDER,
    requests: () => [{ path: '/orders', expect: { status: 201, check: orderTaken } }],
    readyPath: '/ping',
    sizing: { durationSec: 2, warmupRequests: 50, rounds: 5, connections: [10] },
    // A cap of 5, not 3: the in-process-as-split control's hop ratio (0.21×, 95% CI 0.08–0.58 after
    // 3 rounds) needs a fourth or fifth round to fall wholly below the band; clear runs stop at 3.
    quick: { durationSec: 1, warmupRequests: 10, rounds: 5, connections: [10] },
  },
  metrics: {
    orderMs: { label: 'order alone (p10)', unit: 'ms', better: 'lower' },
    cpuMsPerOrder: { label: 'CPU per order, all processes', unit: 'ms', better: 'lower' },
    connectionsPer100Calls: { label: 'connections / 100 calls', unit: 'count', better: 'lower' },
  },
  async drive({ port, connections, round, order, processes }) {
    const ports = [port, ...Object.values(processes.companions).flatMap((copies) => copies.map((copy) => copy.port))];
    // CPU per order: every process's own CPU time (GET /metrics) before and after a burst of
    // orders sent as the load sends them, so five processes are counted, not only the first.
    let cpuMs = -(await totalCpuMs(ports));
    const placed = await placeOrders(port, BURST_MS, connections);
    cpuMs += await totalCpuMs(ports);
    // Then orders one at a time on one kept-alive connection, each timed and each with an id
    // of its own, so the users service's log says which connection each call came on.
    const prefix = `timed-${round}-${order}-`;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const times: number[] = [];
    try {
      for (let i = 0; i < TIMED_ORDERS; i++) {
        const started = performance.now();
        await placeOrder(port, agent, `${prefix}${i}`);
        times.push(performance.now() - started);
      }
    } finally {
      agent.destroy();
    }
    const measured = { orderMs: quantile(times, QUANTILE), cpuMsPerOrder: cpuMs / placed };
    const users = processes.companions.users?.[0];
    if (!users) return measured;
    await eventually(() => linesWith(users.output(), prefix).length >= TIMED_ORDERS);
    const lines = linesWith(users.output(), prefix);
    const connectionsUsed = new Set(lines.map((line) => line.match(/from :(\d+)/)?.[1]));
    return { ...measured, connectionsPer100Calls: (connectionsUsed.size * 100) / lines.length };
  },
  report: { columns: ['requestsPerSec', 'latencyP50Ms', 'orderMs', 'cpuMsPerOrder', 'connectionsPer100Calls'] },
  controls: {
    'order-service-answering-before-payment': {
      file: 'controls/order-service-answering-before-payment.js',
      replaces: 'split-keepalive',
      summary: 'wrong but fast: an order service that answers once the stock is reserved, paymentId "pending", and charges afterwards',
      rejects: ['monolith-serves-more'],
      expect: 'invalid',
    },
    'order-service-retrying-notifications': {
      file: 'controls/order-service-retrying-notifications.js',
      replaces: 'split-keepalive',
      summary: 'an order service that retries the confirmation every 100 ms while notifications is down: alive, answering no one',
      rejects: ['split-keeps-taking-orders'],
    },
    'in-process-as-split': {
      file: 'controls/in-process-as-split.js',
      replaces: 'split-keepalive',
      summary: 'the monolith in the split order service\'s place: no hops',
      rejects: ['monolith-serves-more', 'hops-cost-round-trips'],
    },
    'keepalive-as-new-connection': {
      file: 'controls/keepalive-as-new-connection.js',
      replaces: 'split-new-connection',
      summary: 'the kept-alive order service in the place of the one that connects per call',
      rejects: ['new-connection-per-call'],
    },
    'new-connection-as-keepalive': {
      file: 'controls/new-connection-as-keepalive.js',
      replaces: 'split-keepalive',
      summary: 'the order service that connects per call in the kept-alive one\'s place',
      rejects: ['keepalive-reuses-connections'],
    },
    'monolith-surviving-uncaught': {
      file: 'controls/monolith-surviving-uncaught.js',
      replaces: 'monolith',
      summary: 'a monolith that logs uncaught exceptions and carries on',
      rejects: ['monolith-crash-stops-orders'],
    },
    'order-service-without-fallback': {
      file: 'controls/order-service-without-fallback.js',
      replaces: 'split-keepalive',
      summary: 'an order service that fails the order when notifications are down',
      rejects: ['split-keeps-taking-orders'],
    },
    'order-service-dropping-request-id': {
      file: 'controls/order-service-dropping-request-id.js',
      replaces: 'split-keepalive',
      summary: 'an order service that does not pass the request id on',
      rejects: ['request-id-traced'],
    },
  },
  claims: [
    {
      kind: 'ratio',
      id: 'monolith-serves-more',
      statement: 'Per core, the monolith takes more orders: the split system spends at least 4× its CPU time per order, all five processes counted.',
      metric: 'cpuMsPerOrder',
      numerator: 'split-keepalive',
      denominator: 'monolith',
      atLeast: 4,
    },
    {
      kind: 'model',
      id: 'hops-cost-round-trips',
      statement:
        `An order alone through the split system costs ${1 + HOPS} round trips to a service (the client's, and one per call), within half to four times that ` +
        `on a shared machine: far above the one round trip of a system without hops (0.2× of the model).`,
      metric: 'orderMs',
      variant: 'split-keepalive',
      within: [0.5, 4],
    },
    {
      kind: 'count',
      id: 'new-connection-per-call',
      statement: `Without keep-alive, every call opens a connection: at least 90 of 100 calls to the users service come on a new one.`,
      metric: 'connectionsPer100Calls',
      variant: 'split-new-connection',
      atLeast: 90,
    },
    {
      kind: 'count',
      id: 'keepalive-reuses-connections',
      statement: `With keep-alive, ${TIMED_ORDERS} orders one at a time reach the users service on at most 5 connections per 100 calls.`,
      metric: 'connectionsPer100Calls',
      variant: 'split-keepalive',
      atMost: 5,
    },
    {
      kind: 'scenario',
      id: 'monolith-crash-stops-orders',
      statement: 'In the monolith, the notification bug (a user with no email) is an uncaught exception: the process ends and the next orders fail.',
      variant: 'monolith',
      steps: [
        { name: 'an order: 201', method: 'POST', path: '/orders', headers: JSON_HEADERS, body: ORDER, expectStatus: 201 },
        {
          name: 'an order from user 13, who has no email on file: 201, the confirmation is built after the answer',
          method: 'POST',
          path: '/orders',
          headers: JSON_HEADERS,
          body: ORDER_WITHOUT_EMAIL,
          expectStatus: 201,
        },
        {
          name: 'the next orders find no server: the TypeError in the confirmation code ended the process',
          action: async (context) => {
            const refused = async () => {
              try {
                await postOrder(context.port, ORDER, false);
                return false;
              } catch {
                return true;
              }
            };
            const deadline = performance.now() + 2000;
            while (!(await refused())) {
              if (performance.now() > deadline) return 'orders are still answered 2 s after the bug';
              await sleep(50);
            }
            return context.serverOutput().includes('TypeError') ? null : 'orders fail, but the log shows no TypeError';
          },
        },
      ],
    },
    {
      kind: 'scenario',
      id: 'split-keeps-taking-orders',
      statement: 'Split, the same bug ends only the notifications service: orders are still taken, their confirmation marked degraded.',
      variant: 'split-keepalive',
      steps: [
        {
          name: 'an order from user 13, who has no email on file: 201',
          method: 'POST',
          path: '/orders',
          headers: JSON_HEADERS,
          body: ORDER_WITHOUT_EMAIL,
          expectStatus: 201,
        },
        {
          name: 'the notifications service has ended, the other three still run',
          action: async ({ processes }) => {
            const notifications = processes.companions.notifications![0]!;
            if (!(await eventually(() => !notifications.alive))) return 'the notifications service is still running 2 s after the bug';
            const down = SERVICE_NAMES.filter((name) => name !== 'notifications' && !processes.companions[name]![0]!.alive);
            return down.length ? `${down.join(', ')} ended too` : null;
          },
        },
        {
          name: `five more orders: each answered within ${ORDER_BOUND_MS / 1000} s, 201, the order taken and paid, notification "degraded"`,
          method: 'POST',
          path: '/orders',
          headers: JSON_HEADERS,
          body: ORDER,
          repeat: 5,
          expectStatus: 201,
          expect: { check: orderTakenWith('degraded') },
          check: (_last, _context, all) => {
            const slow = all.filter((response) => response.elapsedMs > ORDER_BOUND_MS);
            return slow.length ? `${slow.length} of ${all.length} orders took over ${ORDER_BOUND_MS / 1000} s (the slowest ${Math.max(...slow.map((r) => r.elapsedMs)).toFixed(0)} ms): not served` : null;
          },
        },
      ],
    },
    {
      kind: 'scenario',
      id: 'request-id-traced',
      statement: 'One order\'s request id appears in the log of every service it passed through, so its trace can be joined.',
      variant: 'split-keepalive',
      steps: [
        {
          name: `an order sent with x-request-id ${TRACE_ID}: its line is in the order service's log and in users, stock, payments and notifications`,
          method: 'POST',
          path: '/orders',
          headers: { ...JSON_HEADERS, 'x-request-id': TRACE_ID },
          body: ORDER,
          expectStatus: 201,
          check: async (response: ScenarioResponse, context: ScenarioContext) => {
            if (response.headers['x-request-id'] !== TRACE_ID) return `the answer carries x-request-id ${String(response.headers['x-request-id'])}`;
            const logs: Record<string, () => string> = { orders: context.serverOutput };
            for (const name of SERVICE_NAMES) logs[name] = () => context.processes.companions[name]![0]!.output();
            await eventually(() => Object.values(logs).every((log) => log().includes(TRACE_ID)));
            const missing = Object.keys(logs).filter((name) => !logs[name]!().includes(TRACE_ID));
            return missing.length ? `${TRACE_ID} is missing from the log of ${missing.join(', ')}` : null;
          },
        },
      ],
    },
  ],
  measures: [
    {
      id: 'monolith-throughput',
      statement: 'Orders a second of the monolith relative to the split system (kept alive), both on this machine at the load\'s connections.',
      metric: 'requestsPerSec',
      numerator: 'monolith',
      denominator: 'split-keepalive',
    },
    {
      id: 'hops-latency',
      statement: 'An order alone through the split system (kept alive) relative to one through the monolith: what four hops add.',
      metric: 'orderMs',
      numerator: 'split-keepalive',
      denominator: 'monolith',
    },
    {
      id: 'new-connection-cpu',
      statement: 'What a new connection per call costs the order service: its CPU time per order under the load, relative to kept-alive connections.',
      metric: 'serverCpuMsPerRequest',
      numerator: 'split-new-connection',
      denominator: 'split-keepalive',
    },
    {
      id: 'new-connection-cpu-all-processes',
      statement: 'CPU time per order with a new connection per call relative to kept-alive connections, all five processes counted.',
      metric: 'cpuMsPerOrder',
      numerator: 'split-new-connection',
      denominator: 'split-keepalive',
    },
    {
      id: 'new-connection-latency',
      statement: 'An order alone with a new connection per call relative to kept-alive connections.',
      metric: 'orderMs',
      numerator: 'split-new-connection',
      denominator: 'split-keepalive',
    },
  ],
  async calibrate() {
    return { hopMs: await hopRoundTripMs(CALIBRATION_TRIPS, CALIBRATION_TRIPS / 2, QUANTILE) };
  },
  model: {
    statement:
      `An order alone costs round trips to services: the client's to the order endpoint, and in the split system one per call (${HOPS}). ` +
      `hopMs is one such round trip (p10), timed to the users service's code in another thread right before each load.`,
    predict: ({ calibration }) => [
      { variant: 'monolith', metric: 'orderMs', value: calibration.hopMs!, reasoning: `1 × ${calibration.hopMs!.toFixed(3)} ms` },
      { variant: 'split-keepalive', metric: 'orderMs', value: (1 + HOPS) * calibration.hopMs!, reasoning: `(1 + ${HOPS}) × ${calibration.hopMs!.toFixed(3)} ms` },
    ],
  },
  takeaway:
    'A service boundary costs a round trip per call and CPU on both sides of it; keep connections alive, and split where independent failure ' +
    '(and deployment, and scaling) is worth that price. Pass one request id through every call so a single order can be followed.',
});
