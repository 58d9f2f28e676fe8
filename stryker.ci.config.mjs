// @ts-check
import base from './stryker.config.mjs';

/**
 * The CI sample (`npm run mutation:ci`): a fixed handful of small ETL-core and contract modules
 * whose bugs the issue-18 mutants showed slipping through (money, FX, the order id set, lake
 * keys), without the TypeScript checker (its start-up alone costs a minute) and not
 * incremental, so every run measures the same mutants. Budget: under 3 minutes.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  ...base,
  mutate: [
    'lambda/core/money.ts',
    'lambda/core/fx-rates.ts',
    'lambda/core/order-id-set.ts',
    'contracts/lake-keys.ts',
  ],
  checkers: [],
  incremental: false,
  reporters: ['clear-text', 'progress-append-only'],
  thresholds: { high: 85, low: 80, break: 70 },
};
