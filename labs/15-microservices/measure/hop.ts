import { Agent } from 'node:http';
import { Worker } from 'node:worker_threads';
import { quantile } from 'devcap/lab';
import { call } from '../variants/order-service.js';

/**
 * The `q` quantile of the times of `trips` round trips to the users service's code running
 * in a thread of its own (so each trip crosses threads, as a hop crosses processes), on one
 * kept-alive connection, after `warmup` untimed ones. The thread ends with the measurement.
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
    // The order service's own client code, so a calibrated hop is the hop the split makes.
    const trip = () => call(agent, `http://127.0.0.1:${port}/check`, { userId: 42 }, 'calibration');
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
