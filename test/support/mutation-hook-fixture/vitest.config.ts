import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The fixture's test, with the mutation configs' hook coverage (see ../mutation-hook-coverage.ts).
export default defineConfig({
  // the project root (Stryker's sandbox copy of it), which the paths below are relative to
  root: fileURLToPath(new URL('../../..', import.meta.url)),
  test: {
    include: ['test/support/mutation-hook-fixture/basket.fixture.ts'],
    setupFiles: process.env.MUTATION_NO_HOOK_COVERAGE ? [] : ['test/support/mutation-hook-coverage.ts'],
    pool: 'forks',
    maxWorkers: 1,
    isolate: false,
  },
});
