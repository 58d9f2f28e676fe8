import { defineConfig } from 'vitest/config';

// The tests of a CI mutation run (`npm run mutation:ci`, tools/scripts/mutation.ts): the ones that
// import the mutated files, passed in MUTATION_TESTS; else the unit tests of the fixed sample.
const chosen = process.env.MUTATION_TESTS?.split(',').filter(Boolean);

export default defineConfig({
  test: {
    include: chosen?.length
      ? chosen
      : ['test/lambda/core/money.test.ts', 'test/lambda/core/fx-rates.test.ts'],
    // Stryker's sandbox has no Python venv: link it for the tests that read Parquet with pyarrow
    globalSetup: ['test/support/mutation-sandbox.ts'],
    // code run by a file's beforeAll hooks counts as covered by its tests (see the file)
    setupFiles: process.env.MUTATION_NO_HOOK_COVERAGE ? [] : ['test/support/mutation-hook-coverage.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 1,
    // as vitest.mutation.config.ts: modules imported once per runner, not per file and mutant
    isolate: false,
  },
});
