import {
  ETL_MEMORY_METRIC,
  ETL_METRICS,
  ETL_METRICS_NAMESPACE,
  ETL_SOURCE_DIMENSION,
  FORMAT_METRICS,
} from '../contracts/etl-metrics.js';
import type { RecordFormat } from '../contracts/raw-order-original.js';

// Namespace and names live in the contracts: the stack's quarantine alarm reads the same ones.
export { ETL_MEMORY_METRIC, ETL_METRICS, ETL_METRICS_NAMESPACE, FORMAT_METRICS };

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
 * With `memoryUsedPercent` (on Lambda), a second directive adds the process's peak memory, without
 * dimension (the alarm watches the largest).
 */
export function emfFields(
  source: string,
  counts: SourceCounts,
  now: Date,
  memoryUsedPercent?: number,
): Record<string, unknown> {
  const memory = memoryUsedPercent !== undefined;
  return {
    _aws: {
      Timestamp: now.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: ETL_METRICS_NAMESPACE,
          Dimensions: [[], [ETL_SOURCE_DIMENSION]],
          Metrics: ETL_METRICS.map((Name) => ({ Name, Unit: 'Count' })),
        },
        ...(memory
          ? [
              {
                Namespace: ETL_METRICS_NAMESPACE,
                Dimensions: [[]],
                Metrics: [{ Name: ETL_MEMORY_METRIC, Unit: 'Percent' }],
              },
            ]
          : []),
      ],
    },
    ...(memory ? { [ETL_MEMORY_METRIC]: memoryUsedPercent } : {}),
    [ETL_SOURCE_DIMENSION]: source,
    RecordsRead: counts.read,
    RecordsLoaded: counts.loaded,
    RecordsQuarantined: counts.quarantined,
    ...Object.fromEntries(
      Object.entries(FORMAT_METRICS).map(([format, name]) => [name, counts.byFormat[format as RecordFormat]]),
    ),
  };
}

/**
 * The process's peak RSS as a percentage of the function's memory (`limitMb`, as Lambda counts
 * MB: MiB), one decimal. `maxRSS` is in KiB and covers the execution environment's life, so a
 * warm environment reports its largest run (on the safe side for an alarm).
 */
export function memoryUsedPercent(
  limitMb: number,
  maxRssKiB: number = process.resourceUsage().maxRSS,
): number {
  return Math.round((maxRssKiB / 1024 / limitMb) * 1000) / 10;
}
