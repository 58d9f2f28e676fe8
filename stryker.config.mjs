// @ts-check
/**
 * Mutation testing (StrykerJS 9.6, the newest line that runs on Node 20; 10.x needs Node 22).
 * `npm run mutation` mutates the ETL core, the contracts and the CSV exports and runs the tests
 * of vitest.mutation.config.ts against each mutant; incremental, so a rerun only retests mutants
 * in changed code or covered by changed tests (reports/stryker-incremental.json).
 * The clear-text report prints the score per file and folder.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  mutate: [
    'lambda/core/**/*.ts',
    // runs inside a worker thread, where the mutant switch of the test process does not reach
    '!lambda/core/parquet-worker.ts',
    'contracts/**/*.ts',
    'tools/exports/**/*.ts',
  ],
  // the venvs are large (and often symlinks, which the sandbox copy cannot take): see mutation-sandbox.ts
  ignorePatterns: ['.venv*', 'dbt/target', 'dbt/logs', 'lake', 'cdktf.out', 'reports', 'test-artifacts'],
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress-append-only', 'html'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  concurrency: 2,
  timeoutMS: 60_000,
  thresholds: { high: 85, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
