// The template of a lab: copy this folder to labs/NN-your-slug/, then change everything.
// It is a working lab (the suite runs it, test/template.test.ts): one claim, two variants, a
// negative control that proves the claim can fail, checked answers and a README with the
// sections every lab has. docs/writing-a-lab.md explains each field.
import { createHash } from 'node:crypto';
import { defineLab } from 'devcap/lab';
import { catalogue } from './variants/catalogue.js';

// The answer a correct server gives, worked out here from the same data, not copied from a
// run: a server that answers fast and wrongly makes the run invalid.
const ANSWER = JSON.stringify(catalogue());

export default defineLab({
  day: 0,
  slug: 'template',
  title: 'Template: serialize a big answer once, not on every request',
  // One paragraph for the README's lab table (npm run readme writes it from here).
  summary: 'a catalogue of 2,000 products answered as JSON, serialized per request vs once at start: requests per second',
  claim: 'An answer that never changes, serialized once at start, is served several times faster than one serialized per request.',
  variants: {
    'stringify-per-request': { file: 'variants/stringify-per-request.js', summary: 'JSON.stringify of the catalogue on every request' },
    'stringify-once': { file: 'variants/stringify-once.js', summary: 'the catalogue serialized once, at start' },
  },
  workload: {
    path: '/catalogue',
    requests: () => [{ path: '/catalogue', expect: { bytes: Buffer.byteLength(ANSWER), sha256: createHash('sha256').update(ANSWER).digest('hex') } }],
    readyPath: '/catalogue',
    // a 140 KB answer hashed on every response costs the load generator a core's share: check one in 8
    checkEvery: 8,
    // rounds are a cap: the run stops once the claim is decided (README, "Sequential rounds")
    sizing: { durationSec: 2, warmupRequests: 200, rounds: 5, connections: [10] },
    quick: { durationSec: 1, warmupRequests: 100, rounds: 5, connections: [10] },
  },
  report: {
    headline: 'requestsPerSec',
    columns: ['requestsPerSec', 'latencyP50Ms', 'latencyP99Ms', 'serverCpuCores'],
  },
  controls: {
    'per-request-as-once': {
      file: 'controls/per-request-as-once.js',
      replaces: 'stringify-once',
      summary: 'the per-request server in the place of the serialize-once one: no difference to find',
      rejects: ['once-is-faster'],
    },
  },
  claims: [
    {
      kind: 'ratio',
      id: 'once-is-faster',
      statement: 'Serializing the catalogue once serves at least twice the requests a second of serializing it per request.',
      metric: 'requestsPerSec',
      numerator: 'stringify-once',
      denominator: 'stringify-per-request',
      atLeast: 2,
    },
  ],
  // The lesson as a task (`devcap exercise`, `devcap check`): the learner fixes `start`, the fix
  // runs in place of `replaces`, and passes when every claim in `claims` is confirmed. The
  // README's `## Exercise` states the task; exercise/wrong/*.ts would hold wrong solutions.
  exercise: {
    start: 'stringify-per-request',
    replaces: ['stringify-once'],
    claims: ['once-is-faster'],
    hint: 'the catalogue is still serialized on every request: JSON.stringify has to run once, at start, and each request send what it made.',
  },
  // A lab that needs the embedded database says `requires: ['database']` and which tables it
  // holds: shared data from fixtures/, its own statements beside them (lab 12):
  //   database: { tables: [SHOP_TABLES], queries: { bestSellers: `SELECT ... WHERE p.category = ?` } },
  // and a variant asks for a statement by name: POST $DATABASE_URL/query { name, params }.
  takeaway: 'Work whose result never changes belongs at start-up, not in the handler: every request pays for what the handler does.',
});
