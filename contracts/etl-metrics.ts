/**
 * The ETL's CloudWatch metrics, emitted in Embedded Metric Format (lambda/etl-metrics.ts) and
 * watched by the stack's quarantine-spike alarm (stacks/alarms.ts): one name for both sides.
 */
export const ETL_METRICS_NAMESPACE = 'StoreSales/Etl';
/** The metric names, in records (one raw order = one record). */
export const ETL_METRICS = ['RecordsRead', 'RecordsLoaded', 'RecordsQuarantined'] as const;
/** The per-file dimension; the totals an alarm watches have no dimension at all. */
export const ETL_SOURCE_DIMENSION = 'Source';
