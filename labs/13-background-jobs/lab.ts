import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { defineLab, type ScenarioContext, type ScenarioStep, send } from 'devcap/lab';
import { QUEUE_NAME, queuePrefix } from './variants/queue-name.js';

/** The addresses the load signs up, in turn. */
const LOAD_EMAILS = ['ada@example.com', 'grace@example.com', 'linus@example.com', 'margaret@example.com'];

/** People who sign up at once in each crash scenario, each under the scenario's own domain. */
const PEOPLE = 10;
/**
 * People who sign up to the flaky domain. With no retries, each email is lost with the
 * provider's 30%: all 20 arrive 0.7^20 ≈ 0.08% of the time. With 8 attempts, an email is
 * lost 0.3^8 ≈ 0.007% of the time, one of 20 about 0.13%.
 */
const FLAKY_PEOPLE = 20;
/** The longest the 8th attempt can take: 50 + 100 + … + 3,200 ms of backoff and 8 sends of ~310 ms, with room. */
const RETRIES_MS = 15_000;
/** How long the queue may take to hand a crashed worker's jobs to a new one and send them: its 4 s lock, a stalled check, a send. */
const RECOVERY_MS = 15_000;
/** Sends timed at once in each calibration; the quickest is the unit. */
const CALIBRATION_SENDS = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A free loopback port for the provider's SMTP side, which every process must know before any starts. */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

interface Mailbox {
  /** Messages of the domain the provider is accepting right now. */
  sending: number;
  /** Messages accepted, by recipient. */
  sent: Record<string, number>;
  /** The Message-ID of each message accepted, by recipient. */
  messageIds: Record<string, string[]>;
  /** Messages refused (451), by recipient. */
  refused: Record<string, number>;
}

async function mailbox(context: ScenarioContext): Promise<Mailbox> {
  const domain = encodeURIComponent(context.vars.domain as string);
  const response = await fetch(`${context.env.SMTP_PROVIDER_URL}/mailbox?domain=${domain}`, { signal: AbortSignal.timeout(5000) });
  return (await response.json()) as Mailbox;
}

const people = (context: ScenarioContext, count = PEOPLE) => Array.from({ length: count }, (_, i) => `person-${i + 1}@${context.vars.domain as string}`);

const unsent = (context: ScenarioContext, box: Mailbox) => people(context).filter((email) => !box.sent[email]);

const sum = (record: Record<string, number>) => Object.values(record).reduce((total, count) => total + count, 0);

/** Copies: messages accepted beyond the first with the same Message-ID (a job sent twice). */
const copies = (box: Mailbox) => sum(box.sent) - Object.values(box.messageIds).reduce((total, ids) => total + new Set(ids).size, 0);

/** What the provider did for this domain, in words. */
const tally = (box: Mailbox) => `${sum(box.sent)} accepted (${copies(box)} copies), ${sum(box.refused)} refused with 451`;

/** What a signup must answer: its status, and the JSON naming the address and what became of its email. */
interface SignupAnswer {
  status: number;
  welcomeEmail: 'queued' | 'sending' | 'sent';
}

/** The queue's answer: the job is in Redis, the email will follow. */
const QUEUED: SignupAnswer = { status: 202, welcomeEmail: 'queued' };
/** Fire-and-forget's answer: the send has started in this process. */
const SENDING: SignupAnswer = { status: 202, welcomeEmail: 'sending' };

/**
 * `count` people sign up at once under the scenario's domain. Every answer must be the one
 * this variant promises (its status and `{ email, welcomeEmail }`): a signup answered any
 * other way was not accepted as the claim means it. The number accepted goes to vars.accepted.
 */
async function signUp(context: ScenarioContext, count: number, expected: SignupAnswer): Promise<string | null> {
  const emails = people(context, count);
  const answers = await Promise.all(
    emails.map((email) =>
      send({ port: context.port, path: '/signup', method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }), timeoutMs: 10_000 }),
    ),
  );
  const wrong = answers.flatMap((answer, i) => {
    const want = JSON.stringify({ email: emails[i], welcomeEmail: expected.welcomeEmail });
    let got: string;
    try {
      got = JSON.stringify(JSON.parse(answer.body) as unknown);
    } catch {
      got = answer.body;
    }
    return answer.status === expected.status && got === want ? [] : [`${answer.status} ${got.slice(0, 80)}`];
  });
  context.vars.accepted = count - wrong.length;
  return wrong.length ? `${wrong.length} of ${count} signups were not answered ${expected.status} ${JSON.stringify({ email: '…', welcomeEmail: expected.welcomeEmail })}; the first: ${wrong[0]}` : null;
}

/**
 * Up to the moment of the crash, the same for every scenario: ten signups at once (under
 * a domain of this scenario's own), each answered as the variant promises, the emails on
 * their way, then the crash.
 */
const signUpThenCrash = (expected: SignupAnswer): ScenarioStep[] => [
  {
    name: `${PEOPLE} people sign up at once; each is answered ${expected.status}, welcome email "${expected.welcomeEmail}"`,
    async action(context) {
      context.vars.domain = `${randomBytes(4).toString('hex')}.example`;
      return signUp(context, PEOPLE, expected);
    },
  },
  {
    name: 'the welcome emails are on their way: the provider is receiving them (or has them all)',
    async action(context) {
      const deadline = performance.now() + 5000;
      while (performance.now() < deadline) {
        const box = await mailbox(context);
        if (box.sending > 0 || unsent(context, box).length === 0) return null;
        await sleep(5);
      }
      return 'the provider received none of the emails within 5 s';
    },
  },
  {
    name: 'mid-send, every worker is killed (SIGKILL) and the API restarts (SIGTERM, as in a deploy); a new worker starts',
    async action({ processes }) {
      const names = Object.keys(processes.companions);
      await Promise.all(names.flatMap((name) => processes.companions[name]!.filter((copy) => copy.alive).map((copy) => copy.kill('SIGKILL'))));
      await processes.restartServer();
      for (const name of names) await processes.startCompanion(name);
    },
  },
];

export default defineLab({
  day: 13,
  slug: 'background-jobs',
  title: 'Background jobs: a queue takes slow work off the request path, and keeps it',
  summary:
    'a signup\'s welcome email over real SMTP (a stand-in provider holding each message `providerMs`, refusing `failPercent`% of mail to `*.flaky.test` with a 451) sent inline, fire-and-forget, or as a BullMQ job for a worker process: one signup\'s p50 (~310 ms vs under 1 ms), the backlog left in Redis, a crash mid-send (worker SIGKILLed, API restarted): the queue delivers all ten, fire-and-forget loses them; 8 attempts with exponential backoff deliver every accepted email despite the refusals (no retries: about 6 of 20 lost); the job id as Message-ID makes copies recognisable',
  claim: 'Put slow work (a welcome email) on a queue and the API answers at once; the job waits in Redis until a worker has done it, through crashes, restarts and a provider that fails, retried with backoff.',
  requires: ['redis'],
  variants: {
    'send-inline': { file: 'variants/send-inline.js', summary: 'signup awaits the SMTP send, then answers 201' },
    'fire-and-forget': { file: 'variants/fire-and-forget.js', summary: 'signup starts the send and answers 202 without awaiting it' },
    'bullmq-queue': {
      file: 'variants/bullmq-queue.js',
      summary: 'signup adds a BullMQ job and answers 202; a worker process sends',
      requires: ['redis'],
      companions: {
        worker: { file: 'variants/email-worker.js', summary: 'a BullMQ worker sending welcome emails, 10 at a time', readyPath: '/' },
      },
    },
  },
  services: {
    'smtp-provider': { file: 'services/smtp-provider.js', summary: 'the mail provider: an SMTP server that takes providerMs to accept a message', readyPath: '/ping' },
  },
  params: {
    providerMs: { env: 'PROVIDER_MS', default: 200, min: 1, max: 5000, summary: 'milliseconds the mail provider takes to accept a message' },
    failPercent: { env: 'FAIL_PERCENT', default: 30, min: 0, max: 100, summary: 'percent of messages to *.flaky.test addresses the provider refuses with a 451' },
  },
  setup: async () => ({ SMTP_PORT: String(await freeLoopbackPort()) }),
  workload: {
    // fire-and-forget answers as quickly as the queue; what it gets wrong shows in a crash, not under load.
    variants: ['send-inline', 'bullmq-queue'],
    method: 'POST',
    path: '/signup',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'learner@example.com' }),
    // Several addresses in turn; the answer names the one signed up and what became of its email.
    requests: ({ variant }) =>
      LOAD_EMAILS.map((email) => ({
        path: '/signup',
        body: JSON.stringify({ email }),
        expect: variant === 'bullmq-queue' ? { status: QUEUED.status, json: { email, welcomeEmail: QUEUED.welcomeEmail } } : { status: 201, json: { email, welcomeEmail: 'sent' } },
      })),
    readyPath: '/ping',
    // One client at a time: the time a signup takes. At 10 connections the queue's p50 is
    // requests waiting for a saturated CPU, and moved with whatever else the machine ran.
    sizing: { durationSec: 3, warmupRequests: 2, rounds: 5, connections: [1] },
    quick: { durationSec: 1, warmupRequests: 2, rounds: 3, connections: [1] },
  },
  metrics: {
    emailsWaiting: { label: 'emails waiting', unit: 'count', better: 'lower' },
  },
  async drive({ env, processes }) {
    // Without Redis only send-inline runs, and it queues nothing: every email is sent before its answer.
    if (!env.REDIS_URL) return { emailsWaiting: 0 };
    const { Queue } = await import('bullmq');
    const queue = new Queue(QUEUE_NAME, { connection: { url: env.REDIS_URL }, prefix: queuePrefix(env.REDIS_KEY_PREFIX) });
    try {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      // The next run starts from an empty queue: this run's workers stop (finishing the sends
      // in hand), then every job left is removed. The scenarios' emails must not wait behind these.
      await Promise.all((processes.companions.worker ?? []).map((worker) => worker.kill()));
      await queue.obliterate({ force: true });
      return { emailsWaiting: Object.values(counts).reduce((sum, count) => sum + count, 0) };
    } finally {
      await queue.close();
    }
  },
  report: {
    headline: 'latencyP50Ms',
    columns: ['latencyP50Ms', 'latencyP99Ms', 'requestsPerSec', 'emailsWaiting', 'serverCpuCores'],
  },
  controls: {
    // Answered as the inline send answers (201 "sent") where the queue promises 202 "queued":
    // a wrong answer, so the run refuses to judge (and it is slow as well).
    'send-inline-as-queue': {
      file: 'controls/send-inline-as-queue.js',
      replaces: 'bullmq-queue',
      summary: 'the inline send in the place of the queue: 201 "sent" where 202 "queued" is the answer',
      rejects: ['queue-answers-at-once', 'emails-wait-their-turn'],
      expect: 'invalid',
    },
    'queue-awaiting-the-send': {
      file: 'controls/queue-awaiting-the-send.js',
      replaces: 'bullmq-queue',
      summary: 'the queue, but signup waits for the worker to finish the job before it answers 202 "queued"',
      rejects: ['queue-answers-at-once', 'emails-wait-their-turn'],
    },
    // Wrong and fast: under load, 202 "sending" where the queue answers "queued".
    'fire-and-forget-as-queue': {
      file: 'controls/fire-and-forget-as-queue.js',
      replaces: 'bullmq-queue',
      summary: 'fire-and-forget in the place of the queue: as quick, answering "sending" where the queue answers "queued"',
      rejects: ['queue-answers-at-once'],
      expect: 'invalid',
    },
    'fire-and-forget-saying-queued': {
      file: 'controls/fire-and-forget-saying-queued.js',
      replaces: 'bullmq-queue',
      summary: 'fire-and-forget answering exactly as the queue does (202 "queued"): the email lives in the API process',
      rejects: ['queued-email-survives-a-crash'],
    },
    'send-inline-as-fire-and-forget': {
      file: 'controls/send-inline-as-fire-and-forget.js',
      replaces: 'fire-and-forget',
      summary: 'the inline send in the place of fire-and-forget: 201 "sent", not the 202 "sending" fire-and-forget answers',
      rejects: ['fire-and-forget-loses-email'],
    },
    'fire-and-forget-awaiting-the-send': {
      file: 'controls/fire-and-forget-awaiting-the-send.js',
      replaces: 'fire-and-forget',
      summary: 'fire-and-forget\'s answer (202 "sending") with the await left in: every email is sent before the answer',
      rejects: ['fire-and-forget-loses-email'],
    },
    'queue-without-retries': {
      file: 'controls/queue-without-retries.js',
      replaces: 'bullmq-queue',
      summary: 'the queue with attempts: 1: a send the provider refuses is never tried again',
      rejects: ['retries-deliver-every-email'],
    },
  },
  claims: [
    {
      kind: 'ratio',
      id: 'queue-answers-at-once',
      statement: 'With the email on a queue, signup answers at least 10× sooner (p50) than when it sends the email itself.',
      metric: 'latencyP50Ms',
      numerator: 'send-inline',
      denominator: 'bullmq-queue',
      atLeast: 10,
    },
    {
      kind: 'count',
      id: 'emails-wait-their-turn',
      statement: 'The queue does not send faster, it sends later: after the load, at least 20 accepted emails are still in Redis, twice what the worker sends at once.',
      metric: 'emailsWaiting',
      variant: 'bullmq-queue',
      atLeast: 20,
    },
    {
      kind: 'scenario',
      id: 'queued-email-survives-a-crash',
      statement: `Queued in Redis, no welcome email is lost when the worker is killed mid-send and the API restarts: all ${PEOPLE} arrive.`,
      variant: 'bullmq-queue',
      steps: [
        ...signUpThenCrash(QUEUED),
        {
          name: `every one of the ${PEOPLE} gets a welcome email (within ${RECOVERY_MS / 1000} s)`,
          async action(context) {
            const deadline = performance.now() + RECOVERY_MS;
            let missing = people(context);
            while (performance.now() < deadline) {
              missing = unsent(context, await mailbox(context));
              if (!missing.length) return null;
              await sleep(50);
            }
            return `${missing.length} of ${PEOPLE} never got one (${missing.slice(0, 2).join(', ')}${missing.length > 2 ? ', …' : ''})`;
          },
        },
        {
          name: 'no one got two different welcome emails: any copy the retry sent carries the job id as its Message-ID, so it is recognisable',
          async action(context) {
            const box = await mailbox(context);
            const ids = Object.values(box.messageIds);
            const twoDifferent = ids.filter((messageIds) => new Set(messageIds).size > 1).length;
            const unnamed = ids.filter((messageIds) => messageIds.some((id) => !id.startsWith('<welcome-'))).length;
            if (twoDifferent) return `${twoDifferent} of ${PEOPLE} got two different emails (${tally(box)})`;
            return unnamed ? `${unnamed} of ${PEOPLE} got an email not named by its job (${tally(box)})` : null;
          },
        },
      ],
    },
    {
      kind: 'scenario',
      id: 'retries-deliver-every-email',
      statement:
        `Every signup the queue accepted (202) is delivered, even from a provider that refuses 30% of sends (failPercent): with 8 attempts and exponential backoff, ` +
        `the provider's count of recipients equals the API's count of 202s for ${FLAKY_PEOPLE} signups, none twice.`,
      variant: 'bullmq-queue',
      steps: [
        {
          name: `${FLAKY_PEOPLE} people sign up at once under a *.flaky.test domain (the provider refuses failPercent% of its messages with 451); each is answered 202`,
          async action(context) {
            context.vars.domain = `${randomBytes(4).toString('hex')}.flaky.test`;
            return signUp(context, FLAKY_PEOPLE, QUEUED);
          },
        },
        {
          name: `once the queue has drained (within ${RETRIES_MS / 1000} s), the provider has delivered to as many people as the API accepted, each exactly once`,
          async action(context) {
            const { Queue } = await import('bullmq');
            const queue = new Queue(QUEUE_NAME, { connection: { url: context.env.REDIS_URL }, prefix: queuePrefix(context.env.REDIS_KEY_PREFIX) });
            const deadline = performance.now() + RETRIES_MS;
            try {
              // Drained: no job waiting, in a worker's hands or waiting out its backoff; a job that used up its attempts is `failed`.
              while (performance.now() < deadline && sum(await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')) > 0) await sleep(50);
            } finally {
              await queue.close();
            }
            const box = await mailbox(context);
            const delivered = Object.keys(box.sent).length;
            // "Every accepted one" of none would hold for a server that accepted nothing.
            if (!(context.vars.accepted as number)) return `the API accepted none of the ${FLAKY_PEOPLE} signups: nothing to deliver, nothing shown`;
            if (delivered < (context.vars.accepted as number)) return `${delivered} of ${context.vars.accepted as number} accepted emails delivered: ${tally(box)}`;
            return sum(box.sent) > delivered ? `some arrived twice: ${tally(box)}` : null;
          },
        },
        {
          name: 'the provider did refuse some sends: the retries, not luck, delivered them',
          async action(context) {
            const box = await mailbox(context);
            return sum(box.refused) ? null : `the provider refused none (${tally(box)}): nothing was retried`;
          },
        },
      ],
    },
    {
      kind: 'scenario',
      id: 'fire-and-forget-loses-email',
      statement: `Fire-and-forget keeps the email in the API's memory: after the same crash, some of the ${PEOPLE} never get theirs.`,
      variant: 'fire-and-forget',
      steps: [
        ...signUpThenCrash(SENDING),
        {
          name: `some of the ${PEOPLE} never get a welcome email (checked one send and a second after the restart)`,
          async action(context) {
            await sleep(context.params.providerMs! + 1000);
            const missing = unsent(context, await mailbox(context));
            return missing.length ? null : `all ${PEOPLE} got their welcome email: nothing was lost`;
          },
        },
      ],
    },
  ],
  async calibrate(params, env): Promise<Record<string, number>> {
    const { createTransport } = await import('nodemailer');
    const transporter = createTransport({ host: '127.0.0.1', port: Number(env.SMTP_PORT), secure: false });
    const timeOneSend = async () => {
      const started = performance.now();
      await transporter.sendMail({ from: 'hello@devcap.example', to: 'calibration@calibration.example', subject: 'calibration', text: 'calibration' });
      return performance.now() - started;
    };
    try {
      // The quickest of a few sends at once: a send's delays on a busy machine are all one
      // way (waiting for a CPU), and the variant's warm process sends a little faster than
      // a transport made for the occasion.
      return { sendMs: Math.min(...(await Promise.all(Array.from({ length: CALIBRATION_SENDS }, timeOneSend)))) };
    } finally {
      transporter.close();
    }
  },
  // Shown beside the measurement, not judged: one calibration in devcap's worker thread
  // swung by ±15% on the busy 2-core machine, too much to hold a band at 5 rounds.
  model: {
    statement:
      'An inline send holds the request until the provider has accepted the email: a p50 of one SMTP send (sendMs, timed before each load). ' +
      'A queued signup holds it for one Redis write; the send happens later, in the worker.',
    predict: ({ calibration }) => [
      {
        variant: 'send-inline',
        metric: 'latencyP50Ms',
        value: calibration.sendMs!,
        reasoning: `one SMTP send: ${calibration.sendMs!.toFixed(0)} ms`,
      },
    ],
  },
  takeaway:
    "Move slow work that the answer does not need onto a queue: the API answers in a Redis write, and the job waits in Redis until a worker has done it, through a worker's crash and the API's restart, and is retried with backoff while the provider refuses it. " +
    "Retries make delivery at least once, not exactly once: give each job an id (the signup's) that a copy carries. " +
    "Not awaiting the promise is as quick and keeps nothing: the work dies with the process. A queue defers work, it does not make it faster: watch the backlog.",
});
