// @ts-check
import { availableParallelism } from 'node:os';

const typecheck = Boolean(process.env.MUTATION_TYPECHECK);

/**
 * Mutation testing (StrykerJS 9.6, the newest line that runs on Node 20; 10.x needs Node 22).
 * `npm run mutation` mutates the ETL core, the contracts and the CSV exports and runs the tests
 * of vitest.mutation.config.ts against each mutant; incremental, so a rerun only retests mutants
 * in changed code or covered by changed tests (reports/stryker-incremental.json).
 * The clear-text report prints the score per file; tools/scripts/mutation.ts (which `npm run
 * mutation` runs) then prints it per folder from the JSON report. The folders are listed again in
 * tools/mutation/scope.ts (test/tools/mutation checks that the two agree). See docs/testing.md.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  // The TypeScript checker (which drops mutants that do not compile) is opt-in: on a 2-core
  // machine its processes used as much CPU as the test runners and the run went no faster (see
  // docs/testing.md). Without it a mutant that would not compile runs like any other and counts,
  // killed or not. MUTATION_TYPECHECK=1 turns it on.
  checkers: typecheck ? ['typescript'] : [],
  // the mutated folders and their imports only: 456 files instead of the project's 2,861
  tsconfigFile: 'tsconfig.mutation.json',
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
  // tools/scripts/mutation.ts runs Stryker slice by slice on a copy of the incremental file and
  // merges each slice's results back; the merged file is also the JSON report it scores
  // (reports/mutation/mutation.json), so Stryker's own json and html reporters are not used.
  incrementalFile: process.env.MUTATION_INCREMENTAL_FILE ?? 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress-append-only'],
  // One test runner per core. With the checker, Stryker gives half the processes to checkers
  // (until checking is done), so twice the cores keeps one runner per core.
  concurrency: (typecheck ? 2 : 1) * availableParallelism(),
  // A mutant that loops forever (the id set's probe loops, the byte cursors) is a timeout, which
  // counts as killed; a short allowance keeps each such mutant from costing a minute.
  timeoutMS: 10_000,
  // The initial run of every test (about 4 minutes with coverage at load 25 on 2 cores) must not
  // hit Stryker's default 5-minute limit.
  dryRunTimeoutMinutes: 30,
  // Static mutants (module-level constants such as the FX table) re-run every test per mutant:
  // hours on this machine for a few dozen mutants, so they are left out of the score.
  ignoreStatic: true,
  thresholds: { high: 85, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
