import { describe, expect, it } from 'vitest';
import {
  ETL_MEMORY_METRIC,
  ETL_METRICS_NAMESPACE,
  emfFields,
  memoryUsedPercent,
} from '../../lambda/etl-metrics.js';

const counts = { read: 3, loaded: 2, quarantined: 1, byFormat: { v2: 3, original: 0, unrecognised: 0 } };

describe('the memory metric', () => {
  it("is the peak RSS as a percentage of the function's memory, one decimal", () => {
    // maxRSS is in KiB, the function's memory in MB as Lambda counts them (MiB)
    expect(memoryUsedPercent(1024, 710 * 1024)).toBe(69.3);
    expect(memoryUsedPercent(2048, 2048 * 1024)).toBe(100);
    expect(memoryUsedPercent(1024, 1)).toBe(0);
  });

  it('goes in a second directive of its own, without dimension, in percent, when given', () => {
    const line = emfFields('orders_2025_12.json', counts, new Date(0), 69.3) as {
      _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: object[] }[] };
    } & Record<string, unknown>;
    const [records, memory] = line._aws.CloudWatchMetrics;
    expect(records!.Dimensions).toEqual([[], ['Source']]);
    expect(records!.Metrics).not.toContainEqual(expect.objectContaining({ Name: ETL_MEMORY_METRIC }));
    expect(memory).toEqual({
      Namespace: ETL_METRICS_NAMESPACE,
      Dimensions: [[]],
      Metrics: [{ Name: ETL_MEMORY_METRIC, Unit: 'Percent' }],
    });
    expect(line[ETL_MEMORY_METRIC]).toBe(69.3);

    const without = emfFields('orders_2025_12.json', counts, new Date(0)) as typeof line;
    expect(without._aws.CloudWatchMetrics).toHaveLength(1);
    expect(without).not.toHaveProperty(ETL_MEMORY_METRIC);
  });
});
