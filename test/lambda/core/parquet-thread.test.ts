import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OrdersBatch } from '../../../lambda/core/fact-batches.js';
import { IpcFrames } from '../../../lambda/core/ipc-frames.js';
import { NormalizedOrder } from '../../../lambda/core/normalized-order.js';
import { ParquetFileWriter } from '../../../lambda/core/parquet-file-writer.js';
import { ParquetThread } from '../../../lambda/core/parquet-thread.js';
import { parquetWasm } from '../../../lambda/core/parquet-wasm.js';
import { normalized, validOrder } from '../support/orders.js';

// The encoder thread on its own: several files at once, each file's rows as sent, an aborted
// file removed, a failure reported where the caller awaits.
let dir: string;
let thread: ParquetThread;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'parquet-thread-'));
  thread = new ParquetThread();
});
afterAll(async () => {
  await thread.terminate();
  await rm(dir, { recursive: true, force: true });
});

/** A fact_orders batch of `n` orders starting at validOrder(from). */
function batch(from: number, n: number) {
  const rows = new OrdersBatch('raw/store_sales/x.json');
  const order = new NormalizedOrder();
  for (let i = from; i < from + n; i++) rows.append(normalized(validOrder(i), order), 1_000_000);
  return rows.recordBatch();
}

const footerRows = async (file: string) => {
  const parquet = await parquetWasm().ParquetFile.fromFile(new Blob([await readFile(file)]));
  try {
    return parquet.metadata().fileMetadata().numRows();
  } finally {
    parquet.free();
  }
};

describe('ParquetThread', () => {
  it('encodes several files at once, each with the rows sent to it', async () => {
    const a = thread.open('fact_orders', path.join(dir, 'a.parquet'), 64);
    const b = thread.open('fact_orders', path.join(dir, 'b.parquet'), 64);
    for (let k = 0; k < 6; k++) {
      await a.write(batch(k * 50, 50));
      await b.write(batch(k * 7, 7));
    }
    expect(await Promise.all([a.close(), b.close()])).toEqual([300, 42]);
    expect([await footerRows(a.file), await footerRows(b.file)]).toEqual([300, 42]);
  });

  it('hands each batch’s IPC buffer back for the next, writing the bytes this thread writes', async () => {
    const reuse = vi.spyOn(IpcFrames.prototype, 'reuse');
    try {
      const threaded = thread.open('fact_orders', path.join(dir, 'pooled.parquet'), 64);
      const here = new ParquetFileWriter('fact_orders', path.join(dir, 'here.parquet'), 64);
      // batches of growing size: a buffer handed back is too small for the next one at times
      for (let k = 0; k < 8; k++) {
        const rows = batch(k * 40, 20 + 5 * k);
        await threaded.write(rows);
        await here.write(rows);
      }
      expect(await Promise.all([threaded.close(), here.close()])).toEqual([300, 300]);
      expect(reuse).toHaveBeenCalledTimes(8);
      expect((await readFile(threaded.file)).equals(await readFile(here.file))).toBe(true);
      // the next batch goes in a buffer handed back: transferred again, it is empty here now
      const next = thread.open('fact_orders', path.join(dir, 'next-batch.parquet'), 64);
      await next.write(batch(0, 20));
      expect(await next.close()).toBe(20);
      expect(reuse.mock.calls.slice(0, 8).some(([buffer]) => buffer.byteLength === 0)).toBe(true);
    } finally {
      reuse.mockRestore();
    }
  });

  it('removes a file it aborts, and goes on serving other files', async () => {
    const aborted = thread.open('fact_orders', path.join(dir, 'aborted.parquet'), 16);
    await aborted.write(batch(0, 40));
    await aborted.write(batch(40, 40));
    await aborted.abort();
    expect(existsSync(aborted.file)).toBe(false);
    const next = thread.open('fact_orders', path.join(dir, 'next.parquet'), 16);
    await next.write(batch(0, 3));
    expect(await next.close()).toBe(3);
  });

  it('reports a file it cannot write when the caller closes it', async () => {
    const bad = thread.open('fact_orders', path.join(dir, 'missing-folder', 'x.parquet'), 16);
    await bad.write(batch(0, 3)).catch(() => undefined);
    await expect(bad.close()).rejects.toMatchObject({ name: 'ParquetWriteError' });
  });
});
