// @ts-check
import base from './stryker.config.mjs';

/**
 * The CI sample (`npm run mutation:ci`): a fixed handful of small ETL-core modules where planted
 * bugs once slipped through (money, FX, the id matcher), against their own unit
 * tests only, without the TypeScript checker (its start-up alone costs a minute) and not
 * incremental, so every run measures the same mutants. Budget: under 3 minutes.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  ...base,
  mutate: ['lambda/core/money.ts', 'lambda/core/fx-rates.ts', 'lambda/core/id-matcher.ts'],
  vitest: { configFile: 'vitest.mutation-ci.config.ts' },
  checkers: [],
  incremental: false,
  reporters: ['clear-text', 'progress-append-only'],
  thresholds: { high: 85, low: 80, break: 70 },
};
