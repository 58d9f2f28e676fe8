import type { RecordFormat } from '../contracts/raw-order-original.js';

/** CloudWatch namespace of the ETL's metrics; the stack's quarantine alarm reads it. */
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

/** One processed source's counts. */
export interface SourceCounts {
  read: number;
  loaded: number;
  quarantined: number;
  byFormat: Record<RecordFormat, number>;
}

/**
 * The Embedded Metric Format fields for one source, merged into that source's log line: CloudWatch
 * Logs turns them into the metrics without any API call from the Lambda. Two dimension sets:
 * none (the totals an alarm watches) and `Source` (the raw file name, to see which file spiked).
 */
export function emfFields(source: string, counts: SourceCounts, now: Date): Record<string, unknown> {
  return {
    _aws: {
      Timestamp: now.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: ETL_METRICS_NAMESPACE,
          Dimensions: [[], ['Source']],
          Metrics: ETL_METRICS.map((Name) => ({ Name, Unit: 'Count' })),
        },
      ],
    },
    Source: source,
    RecordsRead: counts.read,
    RecordsLoaded: counts.loaded,
    RecordsQuarantined: counts.quarantined,
    ...Object.fromEntries(
      Object.entries(FORMAT_METRICS).map(([format, name]) => [name, counts.byFormat[format as RecordFormat]]),
    ),
  };
}
