import { ByteSink } from './byte-sink.js';
import { monthOf, yearOf } from './calendar.js';
import { writeDraftJson } from './json-bytes.js';
import { MonthCursor } from './month-orders.js';
import type { DatasetSpec } from './spec.js';
import { BufferPool, CHUNK_BYTES, sameContent, writeChunksAtomic } from './stream-lines.js';

/** Room kept free after a chunk's worth of bytes: far more than one generated line (~2 KiB at most). */
const LINE_ROOM = 64 * 1024;

/**
 * One month's file: `check` compares an existing file with the content the spec gives it (stops
 * at the first difference), `write` streams it to the file (temp + rename). The unit of work of
 * `generateDataset`, run in this process or in a worker process (`generate-worker.ts`).
 */
export interface MonthFileTask {
  spec: DatasetSpec;
  /** Month index (calendar.ts). */
  month: number;
  file: string;
  mode: 'check' | 'write';
}

export interface MonthFileResult {
  /** `check`: the file already holds exactly this content. */
  same: boolean;
  bytes: number;
  /** Orders generated (all of the month's unless a check stopped at a difference). */
  orders: number;
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

/** Runs a month task; `onOrders` gets the task's orders so far, about every chunk. */
export async function runMonthFile(
  task: MonthFileTask,
  onOrders?: (orders: number) => void,
  pool: BufferPool = new BufferPool(CHUNK_BYTES + LINE_ROOM),
): Promise<MonthFileResult> {
  const counter = { lines: 0 };
  const chunks = monthChunks(task.spec, task.month, counter, pool);
  const progress = () => onOrders?.(counter.lines);
  if (task.mode === 'check') {
    const check = await sameContent(task.file, chunks, progress, pool);
    return { ...check, orders: counter.lines };
  }
  const bytes = await writeChunksAtomic(task.file, chunks, progress, pool);
  return { same: false, bytes, orders: counter.lines };
}
