import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { freePort, median, quantile, sendConcurrently, waitUntil } from './helpers.js';

describe('quantile and median', () => {
  it('interpolates between ranks, the median of an even count is the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, 1, 3])).toBe(3);
    expect(quantile([10, 20, 30, 40, 50], 0.25)).toBe(20);
    expect(quantile([10, 20], 0.99)).toBeCloseTo(19.9);
    expect(quantile([7], 0.99)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
    expect(() => quantile([1], 1.5)).toThrow(RangeError);
  });
});

describe('waitUntil', () => {
  it('returns the first value the probe gives, and gives up with what it waited for', async () => {
    let calls = 0;
    await expect(waitUntil('three calls', () => (++calls >= 3 ? calls : undefined), { timeoutMs: 1000, everyMs: 1 })).resolves.toBe(3);
    await expect(waitUntil('never', () => false, { timeoutMs: 30, everyMs: 5 })).rejects.toThrow(/gave up after 30 ms waiting for never/);
  });
});

describe('sendConcurrently', () => {
  it('makes exactly count calls, at most concurrency at once', async () => {
    let open = 0;
    let most = 0;
    const made = await sendConcurrently({
      concurrency: 3,
      count: 10,
      send: async () => {
        most = Math.max(most, ++open);
        await new Promise((resolve) => setTimeout(resolve, 2));
        open--;
      },
    });
    expect(made).toBe(10);
    expect(most).toBe(3);
  });
});

describe('freePort', () => {
  it('gives a port a server can then listen on', async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    expect((server.address() as { port: number }).port).toBe(port);
    await new Promise((resolve) => server.close(resolve));
  });
});
