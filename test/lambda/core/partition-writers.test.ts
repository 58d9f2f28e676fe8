import type * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import type { RawOrder } from '../../../contracts/raw-order.js';
import { type FxTable, SHIPPED_FX } from '../../../lambda/core/fx-table.js';
import { NormalizedOrder } from '../../../lambda/core/normalized-order.js';
import type { ParquetSink } from '../../../lambda/core/parquet-file-writer.js';
import { PartitionWriters } from '../../../lambda/core/partition-writers.js';
import { normalized, validOrder } from '../support/orders.js';

// Routing rows to their month and bounding what is buffered: which batches reach the Parquet
// sinks, and when. The sinks here record what they are given.
function writers(batchRows: number, fx: FxTable = SHIPPED_FX) {
  const writes: string[] = [];
  const parts = new PartitionWriters({
    tmpDir: '/tmp/partition-writers-test',
    stem: 'orders_x',
    sourceKey: 'raw/store_sales/orders_x.json',
    batchRows,
    rowGroupRows: 1024,
    fx,
    openSink: (_table, file): ParquetSink => {
      let rows = 0;
      const name = file.slice(file.lastIndexOf('/') + 1);
      return {
        file,
        write: async (batch: arrow.RecordBatch) => {
          rows += batch.numRows;
          writes.push(`${name} ${batch.numRows}`);
        },
        close: async () => rows,
        abort: async () => undefined,
      };
    },
  });
  const order = new NormalizedOrder();
  const append = (raw: RawOrder) => parts.append(normalized(raw, order));
  return { parts, writes, append };
}

/** An order of one item (validOrder(i) has 1 + i % 3 items) in a month. */
const oneItem = (n: number, year: number, month: number) => validOrder(3 * n, year, month);

describe('PartitionWriters', () => {
  it('writes a table once it holds a full batch, and the rest at the end', async () => {
    const { parts, writes, append } = writers(4);
    for (let n = 0; n < 3; n++) append(oneItem(n, 2025, 1));
    await parts.flushFull();
    expect(writes).toEqual([]);
    append(oneItem(3, 2025, 1));
    append(validOrder(1, 2025, 1)); // two items
    await parts.flushFull();
    expect(writes).toEqual(['fact_orders-2025-01.parquet 5', 'fact_order_items-2025-01.parquet 6']);
    append(oneItem(4, 2025, 1));
    const staged = await parts.finish();
    expect(writes.slice(2)).toEqual(['fact_orders-2025-01.parquet 1', 'fact_order_items-2025-01.parquet 1']);
    expect(staged.map((s) => [s.key, s.partition, s.rows])).toEqual([
      [
        'processed/store_sales/fact_order_items/order_year=2025/order_month=01/part-orders_x.parquet',
        '2025-01',
        7,
      ],
      [
        'processed/store_sales/fact_orders/order_year=2025/order_month=01/part-orders_x.parquet',
        '2025-01',
        6,
      ],
    ]);
  });

  it('writes every partition once more than four batches are buffered across them', async () => {
    const { parts, writes, append } = writers(4);
    // four months of 2 orders and 2 items: 16 rows buffered, four batches exactly
    for (let month = 1; month <= 4; month++) for (let n = 0; n < 2; n++) append(oneItem(n, 2025, month));
    await parts.flushFull();
    expect(writes).toEqual([]);
    append(oneItem(9, 2025, 5));
    await parts.flushFull();
    expect(writes.sort()).toEqual(
      ['01', '02', '03', '04']
        .flatMap((m) => [`fact_order_items-2025-${m}.parquet 2`, `fact_orders-2025-${m}.parquet 2`])
        .concat(['fact_order_items-2025-05.parquet 1', 'fact_orders-2025-05.parquet 1'])
        .sort(),
    );
  });

  it('keeps the same month of different years apart, whatever the order of arrival', async () => {
    const { parts, append } = writers(100);
    append(oneItem(0, 2025, 1));
    append(oneItem(1, 2026, 1));
    append(oneItem(2, 2025, 1));
    append(oneItem(3, 2025, 2));
    const staged = await parts.finish();
    expect(staged.filter((s) => s.table === 'fact_orders').map((s) => [s.partition, s.rows])).toEqual([
      ['2025-01', 2],
      ['2025-02', 1],
      ['2026-01', 1],
    ]);
  });

  it('knows which orders have a USD rate for their currency and month', () => {
    // a table with rates for January only
    const fx = {
      microRate: (_c: string, _y: number, month: number) => (month === 1 ? 1_250_000 : undefined),
    };
    const { parts } = writers(4, fx as unknown as FxTable);
    expect(parts.hasRate(normalized(oneItem(0, 2025, 1)))).toBe(true);
    expect(parts.hasRate(normalized(oneItem(0, 2025, 2)))).toBe(false);
    expect(parts.hasRate(normalized(oneItem(1, 2025, 1)))).toBe(true);
  });
});
