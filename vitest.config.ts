import { defineConfig } from 'vitest/config';

// The suite in three tiers, run in this order by `npm test` (the whole suite) and one at a
// time by `npm run test:unit`, `test:cli` and `test:measure`:
// - unit: the modules beside their code (src, fixtures, a lab's own lab.test.ts), in parallel;
// - cli: the built binary as a user runs it, no claim judged (errors, help, lifecycle, serve);
// - measure: labs whose claims are judged (quick runs, controls, exercises, the browser page,
//   Redis). Labs measure the machine: two files loading servers at once would each see the
//   other's load, so cli and measure files run one at a time, after the unit tier is done.
const CLI = ['cli', 'contract', 'schema', 'learn', 'pty', 'serve', 'interrupt', 'lifecycle', 'room'].map((name) => `test/${name}.test.ts`);

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.test.ts', 'fixtures/**/*.test.ts', 'labs/**/*.test.ts'], sequence: { groupOrder: 0 } },
      },
      { extends: true, test: { name: 'cli', include: CLI, fileParallelism: false, sequence: { groupOrder: 1 } } },
      {
        extends: true,
        test: { name: 'measure', include: ['test/**/*.test.ts'], exclude: CLI, fileParallelism: false, sequence: { groupOrder: 2 } },
      },
    ],
  },
});
