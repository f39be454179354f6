import { defineLab, DriveFailed, quantile, type ScenarioContext, type VariantProcesses } from 'devcap/lab';

/** Messages published after each load, 100 ms apart (several moments of a busy machine, not one); every client should get each. */
const PUBLISHES = 5;
/** How long drive waits for a message to reach everyone, beyond one polling interval. */
const DELIVERY_SLACK_MS = 3000;
/** A control may ask its polling clients for a slower pace than the lab's interval; drive waits for that too. */
const SLOWEST_POLL_MS = 3000;

interface ClientStats {
  clients: number;
  connected: number;
  reconnections: number;
  window: { ms: number; requests: number; bytes: number } | null;
  /** Per tag, one latency per client that received it. */
  receipts: Record<string, number[]>;
  /** Per tag, receipts beyond a client's first. */
  copies: Record<string, number>;
  /** Per tag, the distinct sentAt stamps it arrived with. */
  stamps: Record<string, number[]>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function clientsPort(processes: VariantProcesses): number {
  const clients = processes.companions.clients?.[0];
  if (!clients) throw new DriveFailed('the client process is missing');
  return clients.port;
}

async function clientStats(processes: VariantProcesses, windowMs = 1000): Promise<ClientStats> {
  const response = await fetch(`http://127.0.0.1:${clientsPort(processes)}/stats?windowMs=${windowMs}`, { signal: AbortSignal.timeout(10_000) });
  return (await response.json()) as ClientStats;
}

const clock = () => performance.timeOrigin + performance.now();

/** POST /publish, stamped with the publisher's clock (the client process shares it); the stamp it sent. */
async function publish(port: number, tag: string): Promise<number> {
  const sentAt = clock();
  const response = await fetch(`http://127.0.0.1:${port}/publish`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tag, sentAt }),
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status !== 201) throw new DriveFailed(`POST /publish answered ${response.status}`);
  return sentAt;
}

/** Waits until every client has received every tag, or `timeoutMs` has passed; returns the stats then. */
async function awaitDelivery(processes: VariantProcesses, tags: string[], timeoutMs: number): Promise<ClientStats> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await clientStats(processes);
    const complete = tags.every((tag) => (stats.receipts[tag]?.length ?? 0) >= stats.clients);
    if (complete || Date.now() > deadline) return stats;
    await sleep(50);
  }
}

async function awaitConnected(processes: VariantProcesses, timeoutMs: number): Promise<ClientStats> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await clientStats(processes);
    if (stats.connected >= stats.clients || Date.now() > deadline) return stats;
    await sleep(50);
  }
}

const intervalOf = (params: Record<string, number>) => params.intervalMs!;

/**
 * The fault: restart the server, publish at once (while the clients are still away: the gap),
 * give them `reconnectMs` to come back, publish again. Fails unless every client got the
 * message published after they had time to reconnect.
 */
function restartSteps(reconnectMs: (context: ScenarioContext) => number, gapToo: boolean) {
  return [
    {
      name: 'publish: every client receives it',
      action: async (context: ScenarioContext) => {
        await publish(context.port, 'before-restart');
        const stats = await awaitDelivery(context.processes, ['before-restart'], intervalOf(context.params) + DELIVERY_SLACK_MS);
        const got = stats.receipts['before-restart']?.length ?? 0;
        return got === stats.clients ? null : `only ${got} of ${stats.clients} clients received it`;
      },
    },
    {
      name: gapToo
        ? 'restart the server, publish at once and again a little later: every client receives both'
        : 'restart the server, publish at once (the gap) and again once clients had time to reconnect: every client receives the second',
      action: async (context: ScenarioContext) => {
        await context.processes.restartServer();
        await publish(context.port, 'gap');
        const back = await awaitConnected(context.processes, reconnectMs(context));
        await publish(context.port, 'after-restart');
        const stats = await awaitDelivery(context.processes, ['after-restart'], intervalOf(context.params) + DELIVERY_SLACK_MS);
        const got = stats.receipts['after-restart']?.length ?? 0;
        const gap = stats.receipts.gap?.length ?? 0;
        const missing = [
          got < stats.clients ? `${stats.clients - got} of ${stats.clients} clients never received the message published after they had time to reconnect` : '',
          gapToo && gap < stats.clients ? `${stats.clients - gap} of ${stats.clients} never received the one published during the gap` : '',
        ].filter(Boolean);
        return missing.length === 0 ? null : `${missing.join('; ')} (${back.connected} of ${stats.clients} connected again)`;
      },
    },
  ];
}

const companion = (kind: string) => ({
  clients: {
    file: 'clients/clients.js',
    summary: `${kind} subscribers (--set clients=N, 200 by default) in a process of their own`,
    readyPath: '/ready',
    start: 'after' as const,
    env: { CLIENT_KIND: kind },
  },
});

export default defineLab({
  day: 14,
  slug: 'websockets',
  title: 'WebSockets vs polling: delivery latency, idle cost and a server restart',
  summary:
    '200 subscribers in a client process of their own: HTTP polling (1 s), long polling, `ws` and socket.io push; delivery latency p50/p99 from publish to receipt (polling ≈ interval/2, push in milliseconds), requests and bytes while idle (polling N per interval, push none), a server restart (socket.io clients reconnect, polling with a cursor misses nothing)',
  claim:
    'Polling delivers a message half an interval late on average and costs a request per client per interval while nothing changes; ' +
    'push (ws, socket.io) delivers in milliseconds and costs nothing while idle, but only socket.io clients come back by themselves after a restart.',
  variants: {
    polling: { file: 'variants/polling.js', summary: 'each client asks every interval (GET /messages?since=id)', companions: companion('polling') },
    'long-polling': {
      file: 'variants/long-polling.js',
      summary: 'the server holds the question open until there is news',
      companions: companion('long-polling'),
    },
    ws: { file: 'variants/ws.js', summary: 'push over plain WebSockets (ws)', companions: companion('ws') },
    'socket-io': { file: 'variants/socket-io.js', summary: 'push with socket.io (socket.io-client)', companions: companion('socket.io') },
  },
  params: {
    clients: { env: 'CLIENTS', default: 200, min: 1, max: 2000, summary: 'subscribers held by the client process' },
    intervalMs: { env: 'POLL_INTERVAL_MS', default: 1000, min: 100, max: 10_000, summary: 'how often a polling client asks, in ms' },
  },
  workload: {
    path: '/health',
    requests: () => [{ path: '/health', expect: { json: { ok: true } } }],
    readyPath: '/health',
    // No claim rests on the load itself: its last second is the clients' idle window, and the
    // deliveries are timed after it. A second second bought nothing but 20 s (72 s by default).
    sizing: { durationSec: 1, warmupRequests: 10, rounds: 5, connections: [4] },
    quick: { durationSec: 1, warmupRequests: 10, rounds: 5, connections: [4] },
  },
  metrics: {
    deliveryP50Ms: { label: 'delivery p50', unit: 'ms', better: 'lower', floor: 1 },
    deliveryP99Ms: { label: 'delivery p99', unit: 'ms', better: 'lower', floor: 1 },
    deliveredShare: { label: 'delivered', unit: 'ratio', better: 'higher' },
    idleRequestsPerSec: { label: 'idle req/s', unit: 'req/s', better: 'lower' },
    idleBytesPerSec: { label: 'idle bytes/s', unit: 'bytes/s', better: 'lower' },
  },
  async drive({ port, params, processes, round, checkAnswer }) {
    // Nothing was published during the load (it asks GET /health), so the clients' last second
    // is an idle second: what they cost while nothing changes.
    const idle = (await clientStats(processes, 1000)).window;
    if (!idle || idle.ms < 500) throw new DriveFailed('the client process has no idle window to report');
    // A fresh process runs its first publish on cold code (lazily compiled, not yet
    // optimised): one message, not counted, takes that path first.
    await publish(port, `round${round}-warm-up`);
    const tags = Array.from({ length: PUBLISHES }, (_, i) => `round${round}-${i}`);
    const sentAt = new Map<string, number>();
    for (const tag of tags) {
      await sleep(100);
      sentAt.set(tag, await publish(port, tag));
    }
    const stats = await awaitDelivery(processes, tags, Math.max(intervalOf(params), SLOWEST_POLL_MS) + DELIVERY_SLACK_MS);
    const stoppedAt = clock();
    // What arrived must be what was published: the publisher's own stamp, once per client.
    // A server that rewrites a message (restamps it when it sends it) delivers a wrong one.
    for (const tag of tags) {
      const published = JSON.stringify({ tag, sentAt: sentAt.get(tag) });
      for (const stamp of stats.stamps[tag] ?? []) {
        checkAnswer({ body: published }, { status: 200, headers: {}, body: JSON.stringify({ tag, sentAt: stamp }) }, `message ${tag} as a client received it`);
      }
    }
    const delivered = tags.reduce((sum, tag) => sum + (stats.receipts[tag]?.length ?? 0), 0);
    if (delivered === 0) throw new DriveFailed(`none of the ${stats.clients} clients received any of ${PUBLISHES} messages`);
    // A message a client never received counts as received when the lab stopped waiting for
    // it (a lower bound on its delay), so the quantiles are over every client and every
    // message, not over those that arrived.
    const latencies = tags
      .flatMap((tag) => {
        const got = stats.receipts[tag] ?? [];
        const neverMs = stoppedAt - sentAt.get(tag)!;
        return [...got, ...Array.from({ length: Math.max(0, stats.clients - got.length) }, () => neverMs)];
      });
    return {
      deliveryP50Ms: quantile(latencies, 0.5),
      deliveryP99Ms: quantile(latencies, 0.99),
      deliveredShare: delivered / (tags.length * stats.clients),
      idleRequestsPerSec: (idle.requests * 1000) / idle.ms,
      idleBytesPerSec: (idle.bytes * 1000) / idle.ms,
    };
  },
  report: {
    columns: ['deliveryP50Ms', 'deliveryP99Ms', 'deliveredShare', 'idleRequestsPerSec', 'idleBytesPerSec', 'rssPeakBytes', 'requestsPerSec'],
  },
  controls: {
    'long-polling-as-polling': {
      file: 'controls/long-polling-as-polling.js',
      replaces: 'polling',
      summary: 'a server that holds the polling clients’ questions open (long polling) in the polling slot',
      rejects: ['idle-polling-costs-a-request-per-client-per-interval'],
    },
    'polling-every-3-s': {
      file: 'controls/polling-every-3-s.js',
      replaces: 'polling',
      summary: 'a polling server that asks its clients to poll every 3 s (X-Poll-Interval), not every intervalMs',
      rejects: ['polling-waits-half-an-interval'],
    },
    'polling-as-long-polling': {
      file: 'controls/polling-as-long-polling.js',
      replaces: 'long-polling',
      summary: 'a server that answers at once (plain polling) in the long-polling slot: the clients ask again and again',
      rejects: ['idle-long-polling-sends-nothing'],
    },
    'ws-batched': {
      file: 'controls/ws-batched.js',
      replaces: 'ws',
      summary: 'a ws server that sends what was published once a second, in a batch',
      rejects: ['ws-delivers-in-milliseconds', 'push-beats-polling'],
    },
    'ws-last-connection-only': {
      file: 'controls/ws-last-connection-only.js',
      replaces: 'ws',
      summary: 'a ws server that keeps the last connection in one variable and sends to it alone',
      rejects: ['ws-delivers-to-every-client', 'ws-delivers-in-milliseconds'],
    },
    'socket-io-broadcast-from-a-socket': {
      file: 'controls/socket-io-broadcast-from-a-socket.js',
      replaces: 'socket-io',
      summary: 'a socket.io server that publishes with socket.broadcast.emit on the latest connection: everyone but that client',
      rejects: ['socket-io-delivers-to-every-client'],
    },
    'ws-batched-restamped': {
      file: 'controls/ws-batched-restamped.js',
      replaces: 'ws',
      summary: 'wrong but fast: batched once a second, each message stamped anew as it is sent, so its delay looks like nothing',
      rejects: ['ws-delivers-in-milliseconds'],
      expect: 'invalid',
    },
    'socket-io-batched': {
      file: 'controls/socket-io-batched.js',
      replaces: 'socket-io',
      summary: 'a socket.io server that sends what was published once a second, in a batch',
      rejects: ['socket-io-delivers-in-milliseconds'],
    },
    'ws-heartbeat': {
      file: 'controls/ws-heartbeat.js',
      replaces: 'ws',
      summary: 'a ws server that sends every client its state every 100 ms, news or not',
      rejects: ['idle-ws-is-silent'],
    },
    'polling-with-counter-ids': {
      file: 'controls/polling-with-counter-ids.js',
      replaces: 'polling',
      summary: 'a polling server whose message ids count from 1 in each process: after a restart, clients ask for ids it will not reach for a while',
      rejects: ['polling-survives-a-restart'],
    },
    'socket-io-refusing-reconnects': {
      file: 'controls/socket-io-refusing-reconnects.js',
      replaces: 'socket-io',
      summary: 'a socket.io server that refuses clients that say they are reconnecting',
      rejects: ['socket-io-clients-reconnect'],
    },
  },
  claims: [
    {
      kind: 'model',
      id: 'polling-waits-half-an-interval',
      statement: 'A polling client gets a message about half an interval after it is published, at the median: between a third and three quarters of an interval (model: interval / 2, within 0.67–1.5×).',
      metric: 'deliveryP50Ms',
      variant: 'polling',
      within: [0.67, 1.5],
    },
    {
      kind: 'threshold',
      id: 'ws-delivers-in-milliseconds',
      statement: 'ws pushes a message to every client within milliseconds: delivery p50 at most 100 ms, over every client and message (one never received counts as late as the lab waited).',
      metric: 'deliveryP50Ms',
      variant: 'ws',
      atMost: 100,
    },
    {
      kind: 'count',
      id: 'ws-delivers-to-every-client',
      statement: `ws delivers every message to every subscriber: of ${PUBLISHES} messages × every client, all arrive, in every round.`,
      metric: 'deliveredShare',
      variant: 'ws',
      atLeast: 1,
    },
    {
      kind: 'count',
      id: 'socket-io-delivers-to-every-client',
      statement: `socket.io too: of ${PUBLISHES} messages × every client, all arrive, in every round.`,
      metric: 'deliveredShare',
      variant: 'socket-io',
      atLeast: 1,
    },
    {
      kind: 'threshold',
      id: 'socket-io-delivers-in-milliseconds',
      statement: 'socket.io does the same: delivery p50 at most 100 ms.',
      metric: 'deliveryP50Ms',
      variant: 'socket-io',
      atMost: 100,
    },
    {
      kind: 'ratio',
      id: 'push-beats-polling',
      statement: 'Polling’s median delivery is at least 10× that of ws push.',
      metric: 'deliveryP50Ms',
      numerator: 'polling',
      denominator: 'ws',
      atLeast: 10,
    },
    {
      kind: 'model',
      id: 'idle-polling-costs-a-request-per-client-per-interval',
      statement: 'While nothing changes, polling still costs one request per client per interval (model: clients × 1000 / intervalMs req/s).',
      metric: 'idleRequestsPerSec',
      variant: 'polling',
      within: [0.8, 1.25],
    },
    {
      kind: 'count',
      id: 'idle-long-polling-sends-nothing',
      statement: 'While nothing changes, long-polling clients send no requests: each question is held open until there is news.',
      metric: 'idleRequestsPerSec',
      variant: 'long-polling',
      atMost: 0,
    },
    {
      kind: 'count',
      id: 'idle-ws-is-silent',
      statement: 'While nothing changes, not a byte crosses the ws connections.',
      metric: 'idleBytesPerSec',
      variant: 'ws',
      atMost: 0,
    },
    {
      kind: 'scenario',
      id: 'socket-io-clients-reconnect',
      statement: 'After a server restart, socket.io clients reconnect by themselves: every one receives the next message.',
      variant: 'socket-io',
      steps: restartSteps(() => 5000, false),
    },
    {
      kind: 'scenario',
      id: 'polling-survives-a-restart',
      statement: 'After a server restart, polling clients simply ask again: every one receives the next message, and the one published while they were away.',
      variant: 'polling',
      steps: restartSteps((context) => 2 * intervalOf(context.params), true),
    },
  ],
  model: {
    statement:
      'A polling client asks every interval, at a moment unrelated to when a message is published, so a message waits for the next ' +
      'question: uniformly between 0 and one interval, interval / 2 at the median. While idle, each client still asks once per interval.',
    predict: ({ params }) => [
      { variant: 'polling', metric: 'deliveryP50Ms', value: params.intervalMs! / 2, reasoning: `${params.intervalMs} ms / 2` },
      {
        variant: 'polling',
        metric: 'idleRequestsPerSec',
        value: (params.clients! * 1000) / params.intervalMs!,
        reasoning: `${params.clients} clients × 1000 / ${params.intervalMs} ms`,
      },
    ],
  },
  takeaway:
    'Polling trades latency for requests: halve the interval and you halve the wait but double the idle load. Push delivers at once and costs ' +
    'nothing while idle, but a connection is state: after a restart, clients must reconnect (socket.io does it, plain ws only if you write it) ' +
    'and whatever was published while they were away is lost unless they can ask for it.',
});
