import { defineConfig } from 'vitest/config';
import HeavyFirstSequencer from './test/support/heavy-first-sequencer.js';

// Integration suites spawn DuckDB, dbt, moto and Chromium: generous timeouts, and files run in
// a pool of two because the machine has two cores. Three at a time (docs/testing.md) took a
// fresh-clone CI run's `npm test` from 1,068 s to 980 s once, but slowed the dbt-heavy files' tests
// 2-3 fold, and one of them passed its 120 s timeout in the next run.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Stops the development Trino at the end of a run that started it.
    globalSetup: ['test/trino/support/stop-trino.ts'],
    // The AWS SDK's Node 20 notice, switched off as tools/ops.ts does (docs/internals.md).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // the longest files first, also on a fresh clone (see the sequencer)
    sequence: { sequencer: HeavyFirstSequencer },
    pool: 'forks',
    maxWorkers: 2,
  },
});
