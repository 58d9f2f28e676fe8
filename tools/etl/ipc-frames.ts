import * as arrow from 'apache-arrow';

/** Arrow's IPC writer emits a stream in pieces (messages, padding, each column's buffers): kept as given. */
class Pieces extends arrow.AsyncByteQueue {
  readonly list: Uint8Array[] = [];
  override write(value: Uint8Array): void {
    this.list.push(value);
  }
}

/**
 * Frames for the native encoder's stdin (native/parquet-encoder/src/main.rs): a little-endian u32
 * length, then one record batch as an Arrow IPC stream, the bytes `toIpc` makes. The writer's
 * pieces are copied once, into a buffer of a pool that each frame's `release` returns it to once
 * the pipe has taken it: a month's ~800 MB of frames reuses a few buffers instead of allocating
 * one per batch, which cost a worker ~0.6 of its ~8 CPU-seconds a month in page faults and
 * garbage collection (docs/scale.md). The pieces are views of the batch's column buffers, which
 * the ETL reuses for the next batch: the copy is what lets a frame wait in the pipe.
 */
export class IpcFrames {
  private readonly free: Buffer[] = [];

  frame(batch: arrow.RecordBatch): { bytes: Buffer; release: () => void } {
    const pieces = new Pieces();
    const writer = new arrow.RecordBatchStreamWriter();
    writer.reset(pieces);
    writer.write(batch);
    writer.finish();
    let length = 4;
    for (const piece of pieces.list) length += piece.byteLength;
    let buf = this.free.pop();
    // a pooled buffer too small for this batch is dropped; new ones leave room for larger batches
    if (!buf || buf.length < length) buf = Buffer.allocUnsafeSlow(Math.ceil(length * 1.25));
    buf.writeUInt32LE(length - 4, 0);
    let at = 4;
    for (const piece of pieces.list) {
      buf.set(piece, at);
      at += piece.byteLength;
    }
    const pooled = buf;
    return { bytes: buf.subarray(0, length), release: () => this.free.push(pooled) };
  }
}
