import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'labs/**/*.test.ts', 'test/**/*.test.ts', 'fixtures/**/*.test.ts'],
    // Labs measure the machine: two suites loading servers at once would each see the
    // other's load. Files run one at a time; unit tests are fast either way.
    fileParallelism: false,
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
