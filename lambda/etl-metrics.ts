import {
  ETL_METRICS,
  ETL_METRICS_NAMESPACE,
  ETL_SOURCE_DIMENSION,
  FORMAT_METRICS,
} from '../contracts/etl-metrics.js';
import type { RecordFormat } from '../contracts/raw-order-original.js';

// Namespace and names live in the contracts: the stack's quarantine alarm reads the same ones.
export { ETL_METRICS, ETL_METRICS_NAMESPACE, FORMAT_METRICS };

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
          Dimensions: [[], [ETL_SOURCE_DIMENSION]],
          Metrics: ETL_METRICS.map((Name) => ({ Name, Unit: 'Count' })),
        },
      ],
    },
    [ETL_SOURCE_DIMENSION]: source,
    RecordsRead: counts.read,
    RecordsLoaded: counts.loaded,
    RecordsQuarantined: counts.quarantined,
    ...Object.fromEntries(
      Object.entries(FORMAT_METRICS).map(([format, name]) => [name, counts.byFormat[format as RecordFormat]]),
    ),
  };
}
