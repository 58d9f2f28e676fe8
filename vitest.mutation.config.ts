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
      'test/sql/views-on-duckdb.test.ts',
    ],
    // 45,000 orders through processSource: minutes per mutant under instrumentation
    exclude: ['test/lambda/core/process-source-at-scale.test.ts'],
    // Stryker's sandbox has no Python venv: link it for the tests that read Parquet with pyarrow
    globalSetup: ['test/support/mutation-sandbox.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
