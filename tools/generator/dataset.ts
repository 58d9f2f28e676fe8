import { access } from 'node:fs/promises';
import { rawMonthKey } from '../../contracts/lake-keys.js';
import { OpsError } from '../../contracts/ops-error.js';
import { lakePath } from '../lib/lake-path.js';
import { ByteSink } from './byte-sink.js';
import { monthOf, seasonOf, yearOf } from './calendar.js';
import { writeDraftJson } from './json-bytes.js';
import { MonthCursor } from './month-orders.js';
import { checkSpec, type DatasetSpec, planCohorts } from './spec.js';
import { BufferPool, CHUNK_BYTES, sameContent, writeChunksAtomic } from './stream-lines.js';

/** Room kept free after a chunk's worth of bytes: far more than one generated line (~2 KiB at most). */
const LINE_ROOM = 64 * 1024;

export interface GenerateOptions extends DatasetSpec {
  /** Local lake folder; files go to `raw/store_sales/orders_YYYY_MM.json` under it. */
  lake: string;
  /** Overwrite existing raw files whose content would change. */
  force: boolean;
  /** Called as orders stream (about every 1,400): orders generated so far and the expected total. */
  onProgress?: (orders: number, expected: number) => void;
}

export interface GenerateSummary {
  /** Orders in all files of the range, written or unchanged. */
  orders: number;
  /** Lake keys of the range, in month order, written or unchanged. */
  files: string[];
  /** Files that already held exactly this content and were left alone. */
  skipped: number;
  /** Size in bytes of all files of the range. */
  bytes: number;
}

/** A month's file content as ~1 MiB chunks from `pool`, counting orders into `counter`. */
function* monthChunks(
  spec: DatasetSpec,
  month: number,
  counter: { lines: number },
  pool: BufferPool,
): Generator<Uint8Array> {
  const sink = new ByteSink(() => pool.get());
  const cursor = new MonthCursor(spec, yearOf(month), monthOf(month));
  while (cursor.next()) {
    writeDraftJson(sink, cursor.draft);
    counter.lines++;
    if (sink.pos >= CHUNK_BYTES) yield sink.take();
  }
  yield sink.take();
}

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );

/**
 * Writes one JSON Lines file per month of the spec into the lake. Re-running with the same
 * flags changes nothing (`skipped`); if any existing file would change, throws OpsError
 * `RAW_EXISTS` before writing anything, unless `force`. Each file is streamed to a temporary
 * sibling and renamed, so memory stays flat and no reader sees a partial file.
 */
export async function generateDataset(opts: GenerateOptions): Promise<GenerateSummary> {
  const { first, last } = checkSpec(opts);
  planCohorts(opts.ordersPerMonth, opts.seed, last); // fail on the id space before touching files
  const months = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  const keys = months.map((m) => rawMonthKey(yearOf(m), monthOf(m)));
  const expected = Math.round(months.reduce((sum, m) => sum + opts.ordersPerMonth * seasonOf(m), 0));
  const counter = { lines: 0 }; // orders generated so far, for progress
  const pool = new BufferPool(CHUNK_BYTES + LINE_ROOM);
  const progress = () => opts.onProgress?.(counter.lines, expected);

  const summary: GenerateSummary = { orders: 0, files: keys, skipped: 0, bytes: 0 };
  const toWrite: number[] = [];
  const changed: string[] = [];
  for (const [i, m] of months.entries()) {
    const file = lakePath(opts.lake, keys[i] as string);
    if (!(await exists(file))) {
      toWrite.push(i);
      continue;
    }
    const before = counter.lines;
    const check = await sameContent(file, monthChunks(opts, m, counter, pool), progress, pool);
    if (check.same) {
      summary.skipped++;
      summary.orders += counter.lines - before;
      summary.bytes += check.bytes;
    } else {
      counter.lines = before; // a changed file is generated again when written
      toWrite.push(i);
      changed.push(keys[i] as string);
    }
  }
  if (changed.length && !opts.force) {
    throw new OpsError(
      'RAW_EXISTS',
      `${changed.length} raw file(s) already exist with different content (${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ', …' : ''}); nothing was written`,
      'pass --force to overwrite them, or choose another --lake',
    );
  }
  for (const i of toWrite) {
    const before = counter.lines;
    const file = lakePath(opts.lake, keys[i] as string);
    const chunks = monthChunks(opts, months[i] as number, counter, pool);
    summary.bytes += await writeChunksAtomic(file, chunks, progress, pool);
    summary.orders += counter.lines - before;
  }
  progress();
  return summary;
}
