import { defineConfig } from 'vitest/config';

// Integration suites spawn DuckDB, dbt, moto and Chromium: generous timeouts, and files run
// in a small pool because the machine has two cores.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Stops the development Trino at the end of a run that started it.
    globalSetup: ['test/trino/support/stop-trino.ts'],
    // The AWS SDK's Node 20 notice, switched off as tools/ops.ts does (docs/internals.md).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    pool: 'forks',
    maxWorkers: 2,
  },
});
