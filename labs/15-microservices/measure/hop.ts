import { Agent, request } from 'node:http';
import { Worker } from 'node:worker_threads';

/** The `q` quantile (0–1) of `values`, the nearest rank below. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

/**
 * The `q` quantile of the times of `trips` round trips to the users service's code running in a thread of
 * its own (so each trip crosses threads, as a hop crosses processes), on one kept-alive
 * connection, after `warmup` untimed ones. The thread ends with the measurement.
 */
export async function hopRoundTripMs(trips: number, warmup: number, q: number): Promise<number> {
  // Its log lines go to a pipe read here and dropped, not to devcap's stdout.
  const worker = new Worker(new URL('./hop-server.js', import.meta.url), { stdout: true });
  worker.stdout.resume();
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const payload = JSON.stringify({ userId: 42 });
    const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)), 'x-request-id': 'calibration' };
    const trip = () =>
      new Promise<void>((resolve, reject) => {
        const outgoing = request({ host: '127.0.0.1', port, method: 'POST', path: '/check', agent, headers }, (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`the users service answered ${response.statusCode}: ${text}`))));
        });
        outgoing.on('error', reject);
        outgoing.end(payload);
      });
    const times: number[] = [];
    for (let i = 0; i < warmup + trips; i++) {
      const started = performance.now();
      await trip();
      if (i >= warmup) times.push(performance.now() - started);
    }
    return quantile(times, q);
  } finally {
    agent.destroy();
    await worker.terminate();
  }
}
