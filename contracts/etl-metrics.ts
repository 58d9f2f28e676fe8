import type { RecordFormat } from './raw-order-original.js';

/**
 * The ETL's CloudWatch metrics, emitted in Embedded Metric Format (lambda/etl-metrics.ts) and
 * watched by the stack's quarantine-spike and etl-memory alarms (stacks/alarms.ts): one name for
 * both sides.
 */
export const ETL_METRICS_NAMESPACE = 'StoreSales/Etl';
/** Records read per record format (docs/contracts.md): which feeds still send the original format. */
export const FORMAT_METRICS = {
  v2: 'RecordsInV2Format',
  original: 'RecordsInOriginalFormat',
  unrecognised: 'RecordsInNoFormat',
} as const satisfies Record<RecordFormat, string>;
/** The metric names, in records (one raw order = one record). */
export const ETL_METRICS = [
  'RecordsRead',
  'RecordsLoaded',
  'RecordsQuarantined',
  ...Object.values(FORMAT_METRICS),
] as const;
/**
 * The peak memory of the Lambda's process (`maxRSS`, since its execution environment started) as a
 * percentage of the function's memory, watched by the stack's etl-memory alarm: the order_ids every
 * other source loaded are held in memory (~7-14 MiB per million), so a run's memory grows with the
 * lake, not with its file (docs/scale.md, "Where Lambda's limits bind a monthly file").
 */
export const ETL_MEMORY_METRIC = 'MemoryUsedPercent';
/** The per-file dimension; the totals an alarm watches have no dimension at all. */
export const ETL_SOURCE_DIMENSION = 'Source';
