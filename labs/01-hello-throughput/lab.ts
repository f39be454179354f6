import { defineLab } from 'devcap/lab';

export default defineLab({
  day: 1,
  slug: 'hello-throughput',
  title: 'Would your API hold 1,000 req/s?',
  summary:
    '`node:http` vs Express hello world at 1, 10, 50 connections: Express clears 1,000 req/s many times over; where throughput stops rising; when the load generator is the limit',
  claim: 'A plain Express server handles far more than 1,000 req/s; the question is where its ceiling is.',
  variants: {
    'node-http': { file: 'variants/node-http.js', summary: 'node:http with one handler' },
    express: { file: 'variants/express.js', summary: 'Express 5 hello world (res.json)' },
  },
  workload: {
    path: '/',
    // Both servers answer the same JSON; a server that answers anything else (an empty 200)
    // would be fast for nothing.
    requests: () => [{ path: '/', expect: { json: { hello: 'world' } } }],
    readyPath: '/',
    sizing: { durationSec: 1, warmupRequests: 3000, rounds: 4, connections: [1, 10, 50] },
    quick: { durationSec: 1, warmupRequests: 2000, rounds: 4, connections: [10] },
    claimsAtConnections: 10,
  },
  report: {
    headline: 'requestsPerSec',
    columns: ['requestsPerSec', 'latencyP50Ms', 'latencyP99Ms', 'serverCpuCores', 'generatorCpuCores', 'rssPeakBytes'],
  },
  controls: {
    'express-with-3ms-of-work': {
      file: 'controls/express-with-3ms-of-work.js',
      replaces: 'express',
      summary: 'Express computing for 3 ms per request: at most ~333 req/s on one thread',
      rejects: ['express-over-1000'],
    },
    'empty-answer-as-express': {
      file: 'controls/empty-answer-as-express.js',
      replaces: 'express',
      summary: 'Express answering an empty 200 instead of {"hello":"world"}: fast and wrong',
      rejects: ['express-over-1000'],
      expect: 'invalid',
    },
  },
  claims: [
    {
      kind: 'threshold',
      id: 'express-over-1000',
      statement: 'Express sustains well over 1,000 req/s on this machine.',
      metric: 'requestsPerSec',
      variant: 'express',
      atLeast: 1000,
    },
  ],
  measures: [
    {
      id: 'express-cost',
      statement: 'What Express costs over bare node:http, in throughput.',
      metric: 'requestsPerSec',
      numerator: 'node-http',
      denominator: 'express',
    },
  ],
  takeaway:
    '1,000 req/s is not a high bar for Node.js: a hello-world Express server clears it many times over on two cores. ' +
    'Real ceilings come from what the handler does (database, CPU, I/O) and, on one machine, from the load generator itself.',
});
