import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as arrow from 'apache-arrow';
import type { FactTable } from '../../contracts/fact-tables.js';
import { IpcFrames } from '../../lambda/core/ipc-frames.js';
import {
  type ParquetSink,
  ParquetWriteError,
  type WriterSettings,
  writerSettings,
} from '../../lambda/core/parquet-file-writer.js';
import { spawnTied } from '../lib/child-processes.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The native encoder's crate, and the binary `npm ci` builds from it (build-native-encoder.ts). */
export const NATIVE_ENCODER_CRATE = path.join(root, 'native', 'parquet-encoder');
export const NATIVE_ENCODER_BINARY = path.join(
  NATIVE_ENCODER_CRATE,
  'target',
  'release',
  'store-sales-parquet-encoder',
);

/**
 * The native encoder's binary when it is built and not turned off (`STORE_SALES_PARQUET_ENCODER=wasm`),
 * else undefined: the ETL then encodes with parquet-wasm, as the Lambda does. Both are parquet-rs
 * 59.3.0 with the same settings and ZSTD library, so the files are the same bytes either way.
 * Resolved by `ops etl`'s own process (a worker runs from a bundle elsewhere) and passed on.
 */
export function nativeEncoder(): string | undefined {
  if (nativeEncoderTurnedOff()) return undefined;
  const stamp = existsSync(NATIVE_ENCODER_STAMP) ? readFileSync(NATIVE_ENCODER_STAMP, 'utf8') : '';
  return existsSync(NATIVE_ENCODER_BINARY) && stamp === nativeEncoderSources()
    ? NATIVE_ENCODER_BINARY
    : undefined;
}

/** `STORE_SALES_PARQUET_ENCODER=wasm`: parquet-wasm only, and no build at `npm ci`. */
export const nativeEncoderTurnedOff = (env: NodeJS.ProcessEnv = process.env): boolean =>
  env.STORE_SALES_PARQUET_ENCODER === 'wasm';

/**
 * Beside the binary, the hash of the sources it was built from (`nativeEncoderSources`): a binary
 * left from older sources (a rebuild that failed after the crate's pins changed) is not used.
 */
export const NATIVE_ENCODER_STAMP = `${NATIVE_ENCODER_BINARY}.sources`;

/** SHA-256 of the crate's manifest, lock file and source: what the binary must have been built from. */
export function nativeEncoderSources(): string {
  const hash = createHash('sha256');
  for (const file of ['Cargo.toml', 'Cargo.lock', path.join('src', 'main.rs')])
    hash.update(readFileSync(path.join(NATIVE_ENCODER_CRATE, file)));
  return hash.digest('hex');
}

/** The encoder's command line for one file written with `settings` (its flags: src/main.rs). */
export function nativeEncoderArgs(file: string, settings: WriterSettings): string[] {
  // The binary writes the lake's compression only; any other encoding is parquet-wasm's (the bench's candidates).
  if (settings.compression !== 'ZSTD')
    throw new Error(`the native Parquet encoder writes ZSTD only, not ${settings.compression}`);
  const args = ['--out', file, '--row-group-rows', String(settings.rowGroupRows)];
  for (const c of settings.columns) {
    if (!c.dictionary) args.push('--plain', c.name);
    if (c.encoding === 'DELTA_BINARY_PACKED') args.push('--delta-binary-packed', c.name);
    if (c.encoding === 'DELTA_BYTE_ARRAY') args.push('--delta-byte-array', c.name);
    if (c.statistics) args.push('--statistics', c.name);
  }
  return args;
}

/**
 * What the encoder processes of this process used so far, added to an `ops etl` worker's figures
 * (`serveTasks`' helper usage): their CPU seconds, and the sum of their peak RSS (a source's
 * files are encoded at once, so a worker's peak is at most its own plus its encoders').
 */
export const nativeEncoderUsage = { cpuSeconds: 0, rssBytes: 0 };

/**
 * A Parquet file written by the native encoder in a child process of its own: batches go to its
 * stdin as length-prefixed Arrow IPC streams, so parsing here and encoding there use two cores,
 * as the encoder thread does for parquet-wasm. Writes wait while the pipe is full, so batches never
 * pile up; the encoder holds one row group in progress.
 */
export class NativeParquetWriter implements ParquetSink {
  /** The encoder expands dictionary-coded columns (src/main.rs): codes cost a byte a row here. */
  readonly takesCodes = true;
  private rows = 0;
  private readonly frames = new IpcFrames({ lengthPrefix: true });
  private stdout = '';
  private stderr = '';
  private failure: Error | undefined;
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | string>;

  constructor(
    binary: string,
    readonly table: FactTable,
    readonly file: string,
    rowGroupRows: number,
  ) {
    this.child = spawnTied(binary, nativeEncoderArgs(file, writerSettings(table, rowGroupRows)), {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    // a write to an encoder that has stopped fails with EPIPE: its exit says why
    this.child.stdin?.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.child.on('error', (err) => resolve(err.message));
      this.child.on('close', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    });
    void this.exited.then((exit) => {
      if (exit !== 0) this.failure ??= this.failed(exit);
    });
  }

  async write(batch: arrow.RecordBatch): Promise<void> {
    this.throwIfFailed();
    const stdin = this.child.stdin;
    if (!stdin) throw this.failed('no stdin');
    const { bytes, release } = this.frames.frame(batch);
    this.rows += batch.numRows;
    // its buffer is reused once the pipe has taken it (or the write failed: the file fails too)
    stdin.write(bytes, release);
    // The pipe holds 64 KiB, a batch megabytes: waiting for each to drain would make parsing and
    // encoding take turns. Up to two batches wait in this process, as for the encoder thread.
    // 'drain' comes only after a write was refused (writableNeedDrain): small batches below
    // the stream's own limit never wait.
    if (stdin.writableNeedDrain && stdin.writableLength > 2 * bytes.length)
      await Promise.race([new Promise((resolve) => stdin.once('drain', resolve)), this.exited]);
    this.throwIfFailed();
  }

  async close(): Promise<number> {
    this.child.stdin?.end();
    const exit = await this.exited;
    if (exit !== 0) throw this.failure ?? this.failed(exit);
    const report = this.report();
    nativeEncoderUsage.cpuSeconds += report.cpuSeconds;
    nativeEncoderUsage.rssBytes += report.peakRssKib * 1024;
    if (report.rows !== this.rows)
      throw new ParquetWriteError(`${this.file}: footer holds ${report.rows} rows, ${this.rows} written`);
    return report.rows;
  }

  async abort(): Promise<void> {
    this.failure ??= new ParquetWriteError('aborted');
    this.child.kill('SIGKILL');
    await this.exited;
    await rm(this.file, { force: true });
  }

  /** The encoder's one line of JSON (src/main.rs), checked: anything else fails the file. */
  private report(): { rows: number; cpuSeconds: number; peakRssKib: number } {
    let report: unknown;
    try {
      report = JSON.parse(this.stdout);
    } catch {
      // reported below
    }
    const r = report as Record<string, unknown> | undefined;
    const counts = ['rows', 'cpuSeconds', 'peakRssKib'] as const;
    if (
      !r ||
      typeof r !== 'object' ||
      !counts.every((k) => typeof r[k] === 'number' && (r[k] as number) >= 0)
    )
      throw new ParquetWriteError(
        `writing ${this.file}: the native Parquet encoder's report is not what it prints: ${JSON.stringify(this.stdout.slice(0, 200))}`,
      );
    return r as { rows: number; cpuSeconds: number; peakRssKib: number };
  }

  private failed(exit: number | string): ParquetWriteError {
    const why = this.stderr.trim() || `the native Parquet encoder stopped (${exit})`;
    return new ParquetWriteError(`writing ${this.file} failed: ${why}`);
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}
