import { defineConfig } from 'vitest/config';

// The unit tests of the CI mutation sample (stryker.ci.config.mjs): fast, in-process, one per module.
export default defineConfig({
  test: {
    include: [
      'test/lambda/core/money.test.ts',
      'test/lambda/core/fx-rates.test.ts',
      'test/lambda/core/id-matcher.test.ts',
    ],
    testTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
