import { defineConfig } from 'vitest/config';

// The tests Stryker runs against each mutant: the in-process suites of the mutated folders
// (lambda/core, contracts, tools/exports) and the oracle-checked metric paths. Heavy suites
// (dbt, Trino, moto, Terraform, browsers) stay out: a mutant run must take seconds.
export default defineConfig({
  test: {
    include: [
      'test/lambda/core/**/*.test.ts',
      'test/lambda/s3-event-handler.test.ts',
      'test/contracts/**/*.test.ts',
      'test/tools/exports/**/*.test.ts',
      'test/tools/generator/contract.test.ts',
      // the local retry of quarantined future-dated orders: lambda/core/quarantine-retry.ts
      'test/tools/etl/retry-quarantine.test.ts',
      'test/sql/views-on-duckdb.test.ts',
    ],
    // 45,000 orders through processSource: minutes per mutant under instrumentation
    exclude: ['test/lambda/core/process-source-at-scale.test.ts'],
    // Stryker's sandbox has no Python venv: link it for the tests that read Parquet with pyarrow
    globalSetup: ['test/support/mutation-sandbox.ts'],
    // code run by a file's beforeAll hooks counts as covered by its tests (see the file)
    setupFiles: process.env.MUTATION_NO_HOOK_COVERAGE ? [] : ['test/support/mutation-hook-coverage.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 1,
    // Every mutant re-runs the tests that cover it: without isolation the modules (parquet-wasm,
    // DuckDB, Arrow) are imported once per runner, not once per test file and mutant. The suites
    // pass without it (the whole config: 37 s instead of 61 s); a test that needs a fresh module
    // state does not belong here.
    isolate: false,
  },
});
