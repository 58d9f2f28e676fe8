import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { ItemsBatch } from '../../../lambda/core/fact-batches.js';
import { IpcFrames } from '../../../lambda/core/ipc-frames.js';
import { NormalizedOrder } from '../../../lambda/core/normalized-order.js';
import { normalized, validOrder } from '../support/orders.js';

/** The reference: arrow's own IPC stream of a table of the one batch. */
const toIpc = (batch: arrow.RecordBatch): Uint8Array => arrow.tableToIPC(new arrow.Table([batch]), 'stream');

/** Item rows of `orders` orders, as the ETL batches them. */
function itemsOf(orders: number): ItemsBatch {
  const batch = new ItemsBatch('raw/store_sales/orders_2025_01.json');
  const order = new NormalizedOrder();
  for (let i = 1; i <= orders; i++) batch.append(normalized(validOrder(i), order), 1_000_000);
  return batch;
}

describe('IpcFrames (the native encoder’s stdin, parquet-wasm’s batches)', () => {
  it('frames a batch as its length then the IPC stream arrow makes, plain or coded', () => {
    const frames = new IpcFrames({ lengthPrefix: true });
    const batch = itemsOf(50);
    for (const coded of [false, true]) {
      const rb = batch.recordBatch(coded);
      const { bytes, release } = frames.frame(rb);
      const ipc = toIpc(rb);
      expect(bytes.readUInt32LE(0)).toBe(ipc.length);
      expect(Buffer.from(bytes.subarray(4)).equals(Buffer.from(ipc))).toBe(true);
      expect(arrow.tableFromIPC(bytes.subarray(4)).numRows).toBe(rb.numRows);
      release();
    }
  });

  it('reuses a frame’s buffer only once it is released, and drops one too small for the next batch', () => {
    const frames = new IpcFrames({ lengthPrefix: true });
    const big = itemsOf(40).recordBatch();
    const small = itemsOf(10).recordBatch();
    const first = frames.frame(big);
    const second = frames.frame(small);
    expect(second.bytes.buffer).not.toBe(first.bytes.buffer);
    first.release();
    const third = frames.frame(small);
    expect(third.bytes.buffer).toBe(first.bytes.buffer);
    expect(Buffer.from(third.bytes.subarray(4)).equals(Buffer.from(toIpc(small)))).toBe(true);
    // the pool now holds the big batch's buffer, then the small one's, which is taken first:
    // too small for a larger batch, it is dropped, and the big one is still there after
    third.release();
    second.release();
    const larger = frames.frame(itemsOf(60).recordBatch());
    expect([first.bytes.buffer, second.bytes.buffer]).not.toContain(larger.bytes.buffer);
    expect(frames.frame(small).bytes.buffer).toBe(first.bytes.buffer);
    expect(frames.frame(small).bytes.buffer).not.toBe(second.bytes.buffer);
  });

  it('gives arrow’s IPC stream without a length, in a buffer that can go to a thread and come back', () => {
    const frames = new IpcFrames();
    const rb = itemsOf(30).recordBatch();
    const { bytes } = frames.frame(rb);
    expect(Buffer.from(bytes).equals(Buffer.from(toIpc(rb)))).toBe(true);
    // the whole ArrayBuffer is the frame's: transferable
    expect(bytes.byteOffset).toBe(0);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(bytes, [bytes.buffer as ArrayBuffer]);
    expect(bytes.byteLength).toBe(0); // gone to the other side
    const there = receiveMessageOnPort(port2)?.message as Uint8Array;
    expect(arrow.tableFromIPC(there).numRows).toBe(rb.numRows);
    port2.postMessage(there.buffer, [there.buffer as ArrayBuffer]);
    const back = receiveMessageOnPort(port1)?.message as ArrayBuffer;
    port1.close();
    frames.reuse(back);
    const next = frames.frame(itemsOf(20).recordBatch());
    expect(next.bytes.buffer).toBe(back);
    next.release();
    // a detached buffer (transferred again elsewhere) is not taken: the pooled one comes next
    frames.reuse(new ArrayBuffer(0));
    expect(frames.frame(itemsOf(20).recordBatch()).bytes.buffer).toBe(back);
  });
});
