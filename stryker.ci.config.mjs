// @ts-check
import base from './stryker.config.mjs';

/**
 * The CI run (`npm run mutation:ci`, tools/scripts/mutation.ts): the script passes `--mutate` (the
 * lines a branch changed, or the fixed sample of tools/mutation/scope.ts) and, in MUTATION_TESTS,
 * the tests that import those files (vitest.mutation-ci.config.ts). No TypeScript checker (its
 * start-up alone costs minutes on a loaded machine) and not incremental, so every run measures
 * the same mutants. Budget: 3 minutes.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  ...base,
  mutate: ['lambda/core/fx-rates.ts', 'lambda/core/money.ts:14-27'],
  vitest: { configFile: 'vitest.mutation-ci.config.ts' },
  checkers: [],
  incremental: false,
  reporters: ['clear-text', 'progress-append-only'],
  thresholds: { high: 85, low: 80, break: 70 },
};
