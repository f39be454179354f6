import { Worker } from 'node:worker_threads';
import type { PingerReport, PingerSettings } from './pinger-worker.js';

export type PingResult = PingerReport;

const WORKER = new URL('./pinger-worker.js', import.meta.url);

/**
 * The light side stream (e.g. `/ping` beside the load), open-loop, in a worker thread of
 * its own: see pinger-worker.ts for why both matter.
 */
export class Pinger {
  private worker: Worker | undefined;
  private failure: Error | undefined;

  constructor(
    private readonly port: number,
    private readonly path: string,
    private readonly ratePerSec: number,
    private readonly maxDurationSec = 600,
    private readonly expectBody?: string,
  ) {}

  async start(): Promise<void> {
    const settings: PingerSettings = {
      port: this.port,
      path: this.path,
      ratePerSec: this.ratePerSec,
      maxInFlight: 256,
      timeoutMs: 10_000,
      maxDurationMs: this.maxDurationSec * 1000,
      expectBody: this.expectBody,
    };
    const worker = new Worker(WORKER, { workerData: settings });
    this.worker = worker;
    worker.on('error', (error) => (this.failure = error));
    await this.next('started');
  }

  async stop(): Promise<PingResult> {
    const worker = this.worker!;
    worker.postMessage({ cmd: 'stop' });
    const { report } = (await this.next('report')) as { report: PingResult };
    await worker.terminate();
    return report;
  }

  private next(type: string): Promise<unknown> {
    const worker = this.worker!;
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const onMessage = (message: { type?: string }) => {
        if (message?.type !== type) return;
        cleanup();
        resolve(message);
      };
      const onError = (error: Error) => {
        cleanup();
        reject(error);
      };
      const onExit = () => {
        cleanup();
        reject(new Error('the side-stream thread ended early'));
      };
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      if (type === 'started') worker.postMessage({ cmd: 'start' });
    });
  }
}

/** Nearest-rank percentile of raw samples (p in 0..100). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
