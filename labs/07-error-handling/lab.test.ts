import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runMixedStream } from './measure/mixed-stream.js';

// The lab's own client decides what "served" and "lost" mean for the crash claims; these
// check its counting against servers whose behaviour is known exactly.

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** Answers 200 and the product asked for, 400 for a malformed id; `onBad` and `product` may do otherwise. */
function start(onBad: (server: Server) => number | 'die' | 'hang', product = (id: number) => id): Promise<number> {
  server = createServer((req, res) => {
    if (!req.url?.endsWith('not-a-number')) {
      res.end(JSON.stringify({ id: product(Number(req.url!.split('/').pop())), name: 'a product' }));
      return;
    }
    const outcome = onBad(server!);
    if (outcome === 'hang') return; // alive, and never answers
    if (outcome === 'die') {
      // What an exiting process looks like from outside: no more listening, every connection reset.
      server!.close();
      server!.closeAllConnections();
      return;
    }
    res.statusCode = outcome;
    res.end('{}');
  });
  return new Promise((resolve) => server!.listen(0, '127.0.0.1', () => resolve((server!.address() as AddressInfo).port)));
}

const stream = (port: number) => runMixedStream({ port, ratePerSec: 2000, requests: 100, badEvery: 100, firstBad: 20 });

describe('the mixed stream', () => {
  it('counts every request served when the server answers each as its id deserves', async () => {
    const outcome = await stream(await start(() => 400));
    expect(outcome).toMatchObject({ servedFraction: 1, lostFraction: 0, requestsLost: 0 });
    expect(outcome.diedAtMs).toBeUndefined();
  });

  it('counts a wrong status as lost, without a death', async () => {
    const outcome = await stream(await start(() => 500));
    expect(outcome).toMatchObject({ servedFraction: 0.99, requestsLost: 1, lostInFlight: 0, lostRefused: 0 });
    expect(outcome.diedAtMs).toBeUndefined();
  });

  it('counts a request never answered within the bound as lost (hung), the process alive', async () => {
    const outcome = await stream(await start(() => 'hang'));
    expect(outcome).toMatchObject({ servedFraction: 0.99, requestsLost: 1, lostHung: 1, lostInFlight: 0, lostRefused: 0 });
  });

  it('counts the wrong product as lost', async () => {
    const outcome = await stream(await start(() => 400, (id) => (id === 8 ? 1 : id)));
    expect(outcome).toMatchObject({ servedFraction: 0.99, requestsLost: 1 });
  });

  it('counts the in-flight request and everything after a death as lost, and when it died', async () => {
    const outcome = await stream(await start(() => 'die'));
    // The 20 requests before the bad one were answered; the bad one and the 79 after it were not.
    expect(outcome.requestsLost).toBeGreaterThanOrEqual(80);
    expect(outcome.servedFraction).toBeLessThanOrEqual(0.2);
    expect(outcome.lostInFlight).toBeGreaterThanOrEqual(1);
    expect(outcome.lostRefused).toBeGreaterThan(0);
    expect(outcome.diedAtMs).toBeGreaterThan(0);
    expect(outcome.firstLossMs).toBeLessThanOrEqual(outcome.diedAtMs!);
  });
});
