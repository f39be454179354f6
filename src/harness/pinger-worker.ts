/**
 * The side stream's own thread: requests leave on a fixed schedule whatever the server
 * does, and each is timed from the moment it was due, not from when it could be sent
 * (the coordinated-omission correction of wrk2 and HdrHistogram). Behind a blocked server
 * pings pile up on their own connections instead of waiting politely for the last answer,
 * so a stall is sampled as often as the schedule says. Running apart from the load
 * generator's event loop, its timing is not delayed by autocannon's work.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';

export interface PingerSettings {
  port: number;
  path: string;
  ratePerSec: number;
  /** Upper bound on pings in flight at once: beyond it, pings wait for a connection (still timed from when they were due). */
  maxInFlight: number;
  /** Every ping gives up after this long and counts as a timeout. */
  timeoutMs: number;
  /** A hard stop for the schedule if `stop` never arrives. */
  maxDurationMs: number;
  /** The body every answer with a 2xx status must have; unchecked when absent. */
  expectBody?: string;
}

export interface PingerReport {
  latenciesMs: number[];
  statusCounts: Record<string, number>;
  errors: number;
  timeouts: number;
  /** Pings whose schedule came due; all of them answered, errored or timed out. */
  scheduled: number;
  /** 2xx answers checked against `expectBody`, and how many were wrong. */
  answers: { checked: number; wrong: number; firstWrong: string | null };
}

const settings = workerData as PingerSettings;
const agent = new Agent({ keepAlive: true, maxSockets: settings.maxInFlight });
const report: PingerReport = { latenciesMs: [], statusCounts: {}, errors: 0, timeouts: 0, scheduled: 0, answers: { checked: 0, wrong: 0, firstWrong: null } };
const expectBody = settings.expectBody;

/** A 2xx ping whose body is not the expected one is a wrong answer, however fast. */
function checkBody(status: number, body: string): void {
  if (expectBody === undefined || status < 200 || status >= 300) return;
  report.answers.checked++;
  if (body === expectBody) return;
  report.answers.wrong++;
  report.answers.firstWrong ??= `GET ${settings.path}: body ${JSON.stringify(body.slice(0, 60))}, expected ${JSON.stringify(expectBody)}`;
}
const inFlight = new Set<Promise<void>>();
let timer: NodeJS.Timeout | undefined;
let running = false;

function ping(dueAt: number, record: boolean): Promise<void> {
  const done = new Promise<void>((resolve) => {
    const req = request({ host: '127.0.0.1', port: settings.port, path: settings.path, agent, timeout: settings.timeoutMs }, (res) => {
      let body = '';
      if (expectBody === undefined) res.resume();
      else res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        if (record) {
          report.latenciesMs.push(performance.now() - dueAt);
          const status = String(res.statusCode ?? 0);
          report.statusCounts[status] = (report.statusCounts[status] ?? 0) + 1;
          checkBody(res.statusCode ?? 0, body);
        }
        resolve();
      });
      res.on('error', () => {
        if (record) report.errors++;
        resolve();
      });
    });
    req.on('timeout', () => {
      if (record) report.timeouts++;
      req.destroy();
      resolve();
    });
    req.on('error', () => {
      if (record) report.errors++;
      resolve();
    });
    req.end();
  });
  inFlight.add(done);
  void done.then(() => inFlight.delete(done));
  return done;
}

function schedule(startAt: number): void {
  const gapMs = 1000 / settings.ratePerSec;
  let index = 0;
  const next = () => {
    if (!running) return;
    const now = performance.now();
    // Fire every ping whose time has come (several, if this thread was late), each timed from its own due time.
    while (running && startAt + index * gapMs <= now) {
      const dueAt = startAt + index * gapMs;
      index++;
      report.scheduled++;
      void ping(dueAt, true);
    }
    if (now - startAt > settings.maxDurationMs) running = false;
    if (running) timer = setTimeout(next, Math.max(0, startAt + index * gapMs - performance.now()));
  };
  next();
}

parentPort!.on('message', async (message: { cmd: 'start' | 'stop' }) => {
  if (message.cmd === 'start') {
    // One ping first, unrecorded, so the first measured one does not pay for the handshake.
    await ping(performance.now(), false);
    running = true;
    schedule(performance.now());
    parentPort!.postMessage({ type: 'started' });
  } else if (message.cmd === 'stop') {
    running = false;
    if (timer) clearTimeout(timer);
    await Promise.all(inFlight);
    agent.destroy();
    parentPort!.postMessage({ type: 'report', report });
  }
});
