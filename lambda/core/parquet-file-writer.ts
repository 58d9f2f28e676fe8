import { createWriteStream, openAsBlob } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type * as arrow from 'apache-arrow';
import type { FactColumn } from '../../contracts/fact-column.js';
import { FACT_TABLES, type FactTable } from '../../contracts/fact-tables.js';
import { IpcFrames } from './ipc-frames.js';
import { parquetWasm } from './parquet-wasm.js';

/** Writing a Parquet file failed, or the written file does not hold the rows given to it. */
export class ParquetWriteError extends Error {
  override readonly name = 'ParquetWriteError';
  readonly code = 'parquet_write_failed';
}

/** Where a partition's batches go: a Parquet file written in this thread or in the encoder thread. */
export interface ParquetSink {
  readonly file: string;
  /**
   * Takes the enum and constant strings as Arrow dictionaries and expands them itself (the
   * native encoder: fewer bytes to build and send); the file is the same.
   */
  readonly takesCodes?: boolean;
  write(batch: arrow.RecordBatch): Promise<void>;
  /** Finishes the file; resolves to the row count its footer holds. */
  close(): Promise<number>;
  /** Stops and removes the partial file. */
  abort(): Promise<void>;
}

/** A way to encode the lake's Parquet: the lake's choice (`LAKE_PARQUET`) and the candidates `npm run bench parquet` measures. */
export interface ParquetEncoding {
  compression: 'SNAPPY' | 'ZSTD' | 'GZIP' | 'BROTLI' | 'LZ4_RAW';
  /**
   * Dictionary per the contract's hints, on every column, or on none. The hints turn it off for
   * near-unique columns: measured on generated data, about 10% less encoding time for 4% larger
   * files than dictionary encoding everything.
   */
  dictionary: 'contract' | 'all' | 'none';
  /** DELTA_BINARY_PACKED for the integer-backed columns without a dictionary (instants, money), for the timestamps among them, or none (PLAIN). */
  deltaIntegers: 'all' | 'timestamps' | 'none';
  /** DELTA_BYTE_ARRAY (shared prefixes) for the string columns without a dictionary: where the contract says `prefixDelta`, all of them, or none (PLAIN). */
  deltaStrings: 'contract' | 'all' | 'none';
}

/**
 * The lake's Parquet, chosen by measurement (docs/scale.md: `npm run bench parquet`): ZSTD
 * (parquet-wasm 0.8 sets no level: parquet-rs's default, 1), dictionaries where the contract says
 * values repeat, DELTA_BINARY_PACKED for the timestamps (sorted within a file: small deltas; on
 * money columns it loses to PLAIN + ZSTD), DELTA_BYTE_ARRAY for fact_orders' order_ids. v1 data
 * pages. Every engine the project targets reads it: DuckDB, pyarrow, Trino 476 and Athena engine
 * v3 (tests and docs/scale.md).
 */
export const LAKE_PARQUET: ParquetEncoding = {
  compression: 'ZSTD',
  dictionary: 'contract',
  deltaIntegers: 'timestamps',
  deltaStrings: 'contract',
};

/** How one column of a file is written; see `writerSettings`. */
export interface ColumnSettings {
  name: string;
  /** Dictionary encoding (else PLAIN, or `encoding`). */
  dictionary: boolean;
  /** The encoding of a column without a dictionary, where not PLAIN. */
  encoding?: 'DELTA_BINARY_PACKED' | 'DELTA_BYTE_ARRAY';
  /** Chunk min/max statistics. */
  statistics: boolean;
}

/** Everything a Parquet writer is told for one file: what parquet-wasm and the native encoder both take. */
export interface WriterSettings {
  compression: ParquetEncoding['compression'];
  rowGroupRows: number;
  columns: ColumnSettings[];
}

/**
 * The settings of a table's file in an encoding: v1 data pages (readable by every engine the
 * project targets, Athena and Glue included), chunk min/max statistics on the columns the
 * contract marks as filtered (they let DuckDB and Athena skip row groups; statistics on every
 * column cost ~15% more encoding time and the money columns are never filtered on).
 */
export function writerSettings(
  table: FactTable,
  rowGroupRows: number,
  encoding: ParquetEncoding = LAKE_PARQUET,
): WriterSettings {
  const columns = FACT_TABLES[table].columns.map((c: FactColumn): ColumnSettings => {
    const dictionary = encoding.dictionary === 'all' || (encoding.dictionary === 'contract' && c.dictionary);
    const deltaInteger =
      c.kind !== 'string' &&
      (encoding.deltaIntegers === 'all' ||
        (encoding.deltaIntegers === 'timestamps' && c.kind === 'timestamp'));
    const deltaString =
      c.kind === 'string' &&
      (encoding.deltaStrings === 'all' || (encoding.deltaStrings === 'contract' && c.prefixDelta));
    const delta = deltaInteger ? 'DELTA_BINARY_PACKED' : deltaString ? 'DELTA_BYTE_ARRAY' : undefined;
    return {
      name: c.name,
      dictionary,
      ...(!dictionary && delta ? { encoding: delta } : {}),
      statistics: c.statistics,
    };
  });
  return { compression: encoding.compression, rowGroupRows, columns };
}

/** parquet-wasm's writer properties for a table's file in an encoding (`writerSettings`). */
export function writerProperties(
  table: FactTable,
  rowGroupRows: number,
  encoding: ParquetEncoding = LAKE_PARQUET,
) {
  const pw = parquetWasm();
  const settings = writerSettings(table, rowGroupRows, encoding);
  let builder = new pw.WriterPropertiesBuilder()
    .setWriterVersion(pw.WriterVersion.V1)
    .setCompression(pw.Compression[settings.compression])
    .setDictionaryEnabled(encoding.dictionary !== 'none')
    .setStatisticsEnabled(pw.EnabledStatistics.None)
    .setMaxRowGroupSize(rowGroupRows);
  for (const c of settings.columns) {
    if (!c.dictionary) builder = builder.setColumnDictionaryEnabled(c.name, false);
    if (c.encoding) builder = builder.setColumnEncoding(c.name, pw.Encoding[c.encoding]);
    if (c.statistics) builder = builder.setColumnStatisticsEnabled(c.name, pw.EnabledStatistics.Chunk);
  }
  return builder.build();
}

/**
 * The IPC buffers of the writers of this thread: a batch is framed, copied into parquet-wasm and
 * its buffer released before `write` returns, so one pool serves every file.
 */
const sameThreadFrames = new IpcFrames();

/**
 * Streams Arrow batches (as IPC bytes) into one local Parquet file through parquet-wasm's async
 * writer, which closes a row group every `rowGroupRows` rows and flushes it to the file: memory
 * holds one row group in progress, whatever the file's size. Writes wait while the encoder is
 * behind, so batches never pile up.
 */
export class ParquetFileWriter implements ParquetSink {
  rows = 0;
  private controller: ReadableStreamDefaultController<unknown> | undefined;
  private output: Promise<void> | undefined;
  private failure: unknown;
  private wake: (() => void) | undefined;

  constructor(
    readonly table: FactTable,
    readonly file: string,
    private readonly rowGroupRows: number,
  ) {}

  async write(batch: arrow.RecordBatch): Promise<void> {
    const { bytes, release } = sameThreadFrames.frame(batch);
    let wasmBatch: unknown;
    try {
      wasmBatch = this.decode(bytes);
    } finally {
      release(); // parquet-wasm holds its own copy
    }
    return this.enqueue(wasmBatch, batch.numRows);
  }

  /** Writes a batch given as IPC bytes (the encoder thread's requests); `ipc` is free again when this resolves. */
  async writeIpc(ipc: Uint8Array, rows: number): Promise<void> {
    return this.enqueue(this.decode(ipc), rows);
  }

  /** The batch in parquet-wasm's memory (copied there: the IPC bytes can be reused at once). */
  private decode(ipc: Uint8Array): unknown {
    this.throwIfFailed();
    const table = parquetWasm().Table.fromIPCStream(ipc);
    const wasmBatch = table.recordBatch(0);
    table.free();
    return wasmBatch;
  }

  private async enqueue(wasmBatch: unknown, rows: number): Promise<void> {
    this.rows += rows;
    if (!this.controller) return this.start(wasmBatch);
    this.controller.enqueue(wasmBatch);
    if ((this.controller.desiredSize ?? 0) <= 0) await new Promise<void>((resolve) => (this.wake = resolve));
    this.throwIfFailed();
  }

  async close(): Promise<number> {
    this.controller?.close();
    await this.output;
    this.throwIfFailed();
    const pw = parquetWasm();
    const file = await pw.ParquetFile.fromFile(await openAsBlob(this.file));
    const rows = file.metadata().fileMetadata().numRows();
    file.free();
    // parquet-wasm's stream writer drops a failed batch silently; the footer tells the truth.
    if (rows !== this.rows)
      throw new ParquetWriteError(`${this.file}: footer holds ${rows} rows, ${this.rows} written`);
    return rows;
  }

  async abort(): Promise<void> {
    this.controller?.error(new ParquetWriteError('aborted'));
    await this.output?.catch(() => undefined);
    await rm(this.file, { force: true });
  }

  private async start(first: unknown): Promise<void> {
    const input = new ReadableStream(
      {
        start: (controller) => {
          this.controller = controller;
        },
        pull: () => {
          this.wake?.();
          this.wake = undefined;
        },
      },
      { highWaterMark: 1 },
    );
    // The writer reads the first batch (for the schema) before it returns its output stream.
    this.controller?.enqueue(first);
    const props = writerProperties(this.table, this.rowGroupRows);
    const bytes = (await parquetWasm().transformParquetStream(input, props)) as WebReadableStream;
    this.output = pipeline(Readable.fromWeb(bytes), createWriteStream(this.file)).catch((err: unknown) => {
      this.failure = new ParquetWriteError(`writing ${this.file} failed: ${(err as Error).message}`, {
        cause: err,
      });
      this.wake?.();
    });
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}
