import type { RecordFormat } from './raw-order-original.js';

/**
 * The ETL's CloudWatch metrics, emitted in Embedded Metric Format (lambda/etl-metrics.ts) and
 * watched by the stack's quarantine-spike alarm (stacks/alarms.ts): one name for both sides.
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
/** The per-file dimension; the totals an alarm watches have no dimension at all. */
export const ETL_SOURCE_DIMENSION = 'Source';
