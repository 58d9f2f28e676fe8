import os from 'node:os';
import { defineConfig } from 'vitest/config';
import HeavyFirstSequencer from './test/support/heavy-first-sequencer.js';

// Integration suites spawn DuckDB, dbt, moto and Chromium: generous timeouts. Files run in a pool
// of one more than the cores: the heavy files spend part of their time waiting, not computing
// (Terraform's AWS provider sleeps through its consistency waits against moto, 55 s per S3
// lifecycle rule set and 25 s per SQS queue; the JVM starts Trino), which left an eighth of two
// cores idle with two files at a time. Measured on two cores (docs/testing.md): `npm test` of a
// fresh-clone CI run 1,068 s with two, 980 s with three.
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
    maxWorkers: os.availableParallelism() + 1,
  },
});
