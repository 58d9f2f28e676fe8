import path from 'node:path';
import type { FactTable } from '../../contracts/fact-tables.js';
import { factFileKey, partitionLabel } from '../../contracts/lake-keys.js';
import { ItemsBatch, OrdersBatch } from './fact-batches.js';
import type { FxTable } from './fx-table.js';
import type { NormalizedOrder } from './normalized-order.js';
import { ENUMS } from './normalized-order.js';
import type { ParquetSink } from './parquet-file-writer.js';

export interface PartitionWriterOptions {
  /** Local folder for the Parquet files being written. */
  tmpDir: string;
  /** The source's stem, which names every output file (`part-<stem>.parquet`). */
  stem: string;
  /** The raw object key, stored in every row's `source_file`. */
  sourceKey: string;
  /** Rows per Arrow batch handed to the Parquet encoder. */
  batchRows: number;
  /** Rows per Parquet row group. */
  rowGroupRows: number;
  /** The run's FX table: each partition's rates come from it. */
  fx: FxTable;
  /** Opens the Parquet file a partition's table is written to (in this thread or the encoder thread). */
  openSink: (table: FactTable, file: string, rowGroupRows: number) => ParquetSink;
}

/** A finished local Parquet file and the object key it is published under. */
export interface StagedFile {
  table: FactTable;
  partition: string;
  key: string;
  file: string;
  rows: number;
}

interface Partition {
  year: number;
  month: number;
  /** Micro-rates to USD for the partition's month, by currency code; -1 where none. */
  rates: number[];
  orders: OrdersBatch;
  items: ItemsBatch;
  writers: Partial<Record<FactTable, ParquetSink>>;
}

/**
 * Routes flattened rows to their `order_year/order_month` partition and streams each partition's
 * two tables into local Parquet files, batch by batch. Buffered rows are bounded: a batch is
 * written once it is full, and every batch when the total buffered across partitions passes
 * four batches (a source spanning many months).
 */
export class PartitionWriters {
  private readonly parts = new Map<number, Partition>();
  private last: Partition | undefined;
  constructor(private readonly options: PartitionWriterOptions) {}

  /** True when the FX table has a rate for the order's currency and month (else it cannot load). */
  hasRate(o: NormalizedOrder): boolean {
    return (this.partition(o).rates[o.currency] as number) >= 0;
  }

  /** Appends the order's rows; it must `hasRate`. */
  append(o: NormalizedOrder): void {
    const part = this.partition(o);
    const rate = part.rates[o.currency] as number;
    part.orders.append(o, rate);
    part.items.append(o, rate);
  }

  /** Writes the batches that are full (or all of them when too much is buffered). */
  async flushFull(): Promise<void> {
    const { batchRows } = this.options;
    let buffered = 0;
    for (const p of this.parts.values()) buffered += p.orders.length + p.items.length;
    const all = buffered > 4 * batchRows;
    for (const p of this.parts.values()) {
      if (p.orders.length >= batchRows || (all && p.orders.length)) await this.write(p, 'fact_orders');
      if (p.items.length >= batchRows || (all && p.items.length)) await this.write(p, 'fact_order_items');
    }
  }

  /** Writes what is left and closes every file; returns them sorted by key. */
  async finish(): Promise<StagedFile[]> {
    const staged: StagedFile[] = [];
    for (const p of this.parts.values()) {
      if (p.orders.length) await this.write(p, 'fact_orders');
      if (p.items.length) await this.write(p, 'fact_order_items');
      for (const [table, writer] of Object.entries(p.writers) as [FactTable, ParquetSink][]) {
        const rows = await writer.close();
        const key = factFileKey(table, p.year, p.month, this.options.stem);
        staged.push({ table, partition: partitionLabel(p.year, p.month), key, file: writer.file, rows });
      }
    }
    return staged.sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  /** Stops every writer and removes their partial files. */
  async abort(): Promise<void> {
    for (const p of this.parts.values()) for (const w of Object.values(p.writers)) await w?.abort();
  }

  private partition(o: NormalizedOrder): Partition {
    let part = this.last;
    if (!part || part.year !== o.year || part.month !== o.month) {
      const id = o.year * 12 + o.month - 1;
      part = this.parts.get(id) ?? this.open(id, o.year, o.month);
      this.last = part;
    }
    return part;
  }

  private open(id: number, year: number, month: number): Partition {
    const part: Partition = {
      year,
      month,
      rates: ENUMS.currency.map((c) => this.options.fx.microRate(c, year, month) ?? -1),
      orders: new OrdersBatch(this.options.sourceKey),
      items: new ItemsBatch(this.options.sourceKey),
      writers: {},
    };
    this.parts.set(id, part);
    return part;
  }

  private async write(p: Partition, table: FactTable): Promise<void> {
    const batch = table === 'fact_orders' ? p.orders : p.items;
    let writer = p.writers[table];
    if (!writer) {
      const file = path.join(this.options.tmpDir, `${table}-${partitionLabel(p.year, p.month)}.parquet`);
      writer = this.options.openSink(table, file, this.options.rowGroupRows);
      p.writers[table] = writer;
    }
    await writer.write(batch.recordBatch(writer.takesCodes === true));
    batch.reset();
  }
}
