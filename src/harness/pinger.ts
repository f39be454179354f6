import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface PingResult {
  latenciesMs: number[];
  statusCounts: Record<string, number>;
  errors: number;
}

/**
 * The light side stream: one keep-alive connection, one request at a time, about
 * `ratePerSec` a second, each timed with sub-millisecond precision. The connection is
 * opened before `start` resolves, so the first measured ping does not pay for the handshake.
 */
export class Pinger {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private readonly result: PingResult = { latenciesMs: [], statusCounts: {}, errors: 0 };
  private running = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly port: number,
    private readonly path: string,
    private readonly ratePerSec: number,
  ) {}

  async start(): Promise<void> {
    await this.once();
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<PingResult> {
    this.running = false;
    await this.loop;
    this.agent.destroy();
    return this.result;
  }

  private async run(): Promise<void> {
    const gapMs = 1000 / this.ratePerSec;
    while (this.running) {
      const sent = performance.now();
      try {
        const status = await this.once();
        this.result.latenciesMs.push(performance.now() - sent);
        this.result.statusCounts[status] = (this.result.statusCounts[status] ?? 0) + 1;
      } catch {
        this.result.errors++;
      }
      const wait = gapMs - (performance.now() - sent);
      if (wait > 0 && this.running) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  private once(): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: this.port, path: this.path, agent: this.agent, timeout: 10_000 }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('ping timed out')));
      req.on('error', reject);
      req.end();
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
