/**
 * The synthetic order generator: a persistent, seeded customer population placing orders that
 * follow the raw contract (contracts/raw-order.ts). `ops generate` and `ops pipeline`
 * call `generateDataset`; the ETL's tests and benchmark stream `generateMonthOrders` and write
 * files with `writeOrdersFile`.
 */
export { type GenerateOptions, type GenerateSummary, generateDataset } from './dataset.js';
export { orderToJsonLine } from './json-lines.js';
export { generateMonthOrders } from './month-orders.js';
export { checkSpec, DATASET_DEFAULTS, type DatasetSpec, STORE_OPENS_MONTH } from './spec.js';
export { writeOrdersFile } from './write-orders.js';
