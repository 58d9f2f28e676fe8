/** CloudWatch namespace of the ETL's metrics; the stack's quarantine alarm reads it. */
export const ETL_METRICS_NAMESPACE = 'StoreSales/Etl';
/** The metric names, in records (one raw order = one record). */
export const ETL_METRICS = ['RecordsRead', 'RecordsLoaded', 'RecordsQuarantined'] as const;

/** One processed source's counts. */
export interface SourceCounts {
  read: number;
  loaded: number;
  quarantined: number;
}

/**
 * The Embedded Metric Format fields for one source, merged into that source's log line: CloudWatch
 * Logs turns them into the three metrics without any API call from the Lambda. Two dimension sets:
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
  };
}
