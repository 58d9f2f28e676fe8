import * as arrow from 'apache-arrow';

/** Arrow's IPC writer emits a stream in pieces (messages, padding, each column's buffers): kept as given. */
class Pieces extends arrow.AsyncByteQueue {
  readonly list: Uint8Array[] = [];
  override write(value: Uint8Array): void {
    this.list.push(value);
  }
}

/** A batch's IPC bytes in a pooled buffer, and how to give the buffer back once they are consumed. */
export interface IpcFrame {
  bytes: Buffer;
  release: () => void;
}

/**
 * One record batch as an Arrow IPC stream (the bytes of arrow's `tableToIPC` for a table of that
 * batch, the form parquet-wasm reads) in a buffer of a pool: the
 * writer's pieces are copied once into a buffer that `release` returns to the pool once the bytes
 * are consumed. A month's ~800 MB of IPC reuses a few buffers instead of allocating one per batch,
 * which cost a worker ~0.6 of its ~8 CPU-seconds a month in page faults and garbage collection
 * (docs/scale.md). The pieces are views of the batch's column buffers, which the ETL reuses for
 * the next batch: the copy is what lets the bytes wait in a pipe or another thread's queue.
 * - `lengthPrefix`: a little-endian u32 length first, the frames of the native encoder's stdin
 *   (native/parquet-encoder/src/main.rs).
 * Each buffer owns its whole ArrayBuffer (offset 0), so it can be transferred to a worker thread
 * and handed back with `reuse`.
 */
export class IpcFrames {
  private readonly free: Buffer[] = [];

  constructor(private readonly options: { lengthPrefix?: boolean } = {}) {}

  frame(batch: arrow.RecordBatch): IpcFrame {
    const pieces = new Pieces();
    const writer = new arrow.RecordBatchStreamWriter();
    writer.reset(pieces);
    writer.write(batch);
    writer.finish();
    const prefix = this.options.lengthPrefix ? 4 : 0;
    let length = prefix;
    for (const piece of pieces.list) length += piece.byteLength;
    let buf = this.free.pop();
    // a pooled buffer too small for this batch is dropped; new ones leave room for larger batches
    if (!buf || buf.length < length) buf = Buffer.allocUnsafeSlow(Math.ceil(length * 1.25));
    if (prefix) buf.writeUInt32LE(length - prefix, 0);
    let at = prefix;
    for (const piece of pieces.list) {
      buf.set(piece, at);
      at += piece.byteLength;
    }
    const pooled = buf;
    return { bytes: buf.subarray(0, length), release: () => this.free.push(pooled) };
  }

  /** Takes back a frame's buffer that came back from a worker thread it was transferred to. */
  reuse(buffer: ArrayBuffer): void {
    if (buffer.byteLength > 0) this.free.push(Buffer.from(buffer));
  }
}
