import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { stopWithThisProcess } from '../lib/child-processes.js';
import { temporaryFor } from '../lib/fs-atomic.js';

/** Bytes gathered before one write: large enough to amortise syscalls, small enough to stay flat. */
export const CHUNK_BYTES = 1 << 20;

/**
 * Recycles chunk buffers once the file stream has written them, so a long run allocates (and
 * garbage-collects) a handful of 1 MiB buffers instead of one per chunk.
 */
export class BufferPool {
  private readonly free: Uint8Array[] = [];
  constructor(readonly size: number) {}

  get(): Uint8Array {
    return this.free.pop() ?? new Uint8Array(this.size);
  }

  /** Returns the buffer behind `chunk` (a view from `get()`) for reuse. */
  release(chunk: Uint8Array): void {
    if (chunk.buffer.byteLength === this.size && this.free.length < 8)
      this.free.push(new Uint8Array(chunk.buffer));
  }
}

/**
 * Encodes text lines into ~1 MiB buffers (one `buf.write` per line: cheaper than building one
 * long string), counting lines into `counter`.
 */
export function* encodeLines(lines: Iterable<string>, counter: { lines: number }): Generator<Uint8Array> {
  let buf = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  for (const line of lines) {
    const worst = line.length * 3; // UTF-8 bytes per UTF-16 unit, at most
    if (used + worst > buf.length) {
      yield buf.subarray(0, used);
      buf = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, worst));
      used = 0;
    }
    used += buf.write(line, used);
    counter.lines++;
  }
  yield buf.subarray(0, used);
}

/**
 * Streams `chunks` into `file` through a temporary sibling renamed over it at the end, so readers
 * never see a partial file; waits for `drain`, so memory stays at a few chunks whatever the size.
 * Returns the bytes written; calls `onChunk` after each chunk and hands each chunk back to `pool`
 * once written. A signal that ends the process meanwhile (Ctrl-C, `kill`: a generator worker gets
 * it from `ops generate`) removes the temporary first: a month takes seconds to write, so a stop
 * lands in one far more often than in the short writes fs-atomic.ts leaves to the next run's sweep.
 */
export async function writeChunksAtomic(
  file: string,
  chunks: Iterable<Uint8Array>,
  onChunk?: () => void,
  pool?: BufferPool,
): Promise<number> {
  const tmp = await temporaryFor(file);
  const out = createWriteStream(tmp, { highWaterMark: 4 * CHUNK_BYTES });
  const forget = stopWithThisProcess(() => rm(tmp, { force: true }));
  let bytes = 0;
  try {
    for (const chunk of chunks) {
      bytes += chunk.length;
      onChunk?.();
      const more = out.write(chunk, (err) => {
        if (!err) pool?.release(chunk);
      });
      if (!more) await once(out, 'drain');
    }
    out.end();
    await finished(out);
    await rename(tmp, file);
    return bytes;
  } catch (err) {
    out.destroy();
    await rm(tmp, { force: true });
    throw err;
  } finally {
    forget();
  }
}

/**
 * Whether `file` holds exactly the bytes of `chunks`, comparing chunk by chunk and stopping at
 * the first difference (so a changed file is found without generating all of it).
 */
export async function sameContent(
  file: string,
  chunks: Iterable<Uint8Array>,
  onChunk?: () => void,
  pool?: BufferPool,
): Promise<{ same: boolean; bytes: number }> {
  const handle = await open(file, 'r');
  try {
    let offset = 0;
    let scratch = Buffer.alloc(0);
    for (const chunk of chunks) {
      onChunk?.();
      if (scratch.length < chunk.length) scratch = Buffer.alloc(chunk.length);
      const { bytesRead } = await handle.read(scratch, 0, chunk.length, offset);
      offset += bytesRead;
      const equal = bytesRead === chunk.length && Buffer.compare(chunk, scratch.subarray(0, bytesRead)) === 0;
      pool?.release(chunk);
      if (!equal) return { same: false, bytes: offset };
    }
    const { size } = await handle.stat();
    return { same: size === offset, bytes: offset };
  } finally {
    await handle.close();
  }
}
