import { openAsBlob } from 'node:fs';
import { grown } from '../../lambda/core/columns.js';
import { forEachOrderId } from '../../lambda/core/held-order-ids.js';
import { idHashPair, type OrderIdSet } from '../../lambda/core/order-id-set.js';

type IdVisitor = (buf: Uint8Array, start: number, end: number) => void;

/**
 * Order_ids as sorted 53-bit hashes (exact in a double): 8 bytes per order, so a parallel
 * `ops etl` can ask "did two sources of this run load the same order_id?" without holding the
 * ids themselves. A collision can only say "yes" wrongly, and "yes" merely makes the run process
 * the rest in order (about 1 in 100 at 12 sources of a million orders each).
 */
async function sortedHashes(visit: (each: IdVisitor) => void | Promise<void>): Promise<Float64Array> {
  // a typed array grown by doubling: a number[] of 12M hashes plus its copy took ~200 MB more
  let hashes = new Float64Array(1 << 16);
  let n = 0;
  await visit((buf, start, end) => {
    if (n === hashes.length) hashes = grown(hashes, n + 1);
    hashes[n++] = hash53(buf, start, end);
  });
  return hashes.slice(0, n).sort();
}

/** The hashes of the order_ids in `fact_orders` Parquet files (the old outputs of a run's sources). */
export const orderIdHashes = (factOrderFiles: readonly string[]): Promise<Float64Array> =>
  sortedHashes(async (each) => {
    for (const file of factOrderFiles) await forEachOrderId(await openAsBlob(file), each);
  });

/** The hashes of the order_ids a source just loaded, from its duplicate check's own set (no read-back). */
export const loadedIdHashes = (ids: OrderIdSet): Promise<Float64Array> =>
  sortedHashes((each) => ids.forEach(each));

/** Whether two sorted hash arrays share a value (one merge pass). */
export function intersects(a: Float64Array, b: Float64Array): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) return true;
    if (x < y) i++;
    else j++;
  }
  return false;
}

const pair = new Uint32Array(2);

/** 21 + 32 bits of the id's two hashes (`idHashPair`), exact in a double. */
function hash53(buf: Uint8Array, start: number, end: number): number {
  idHashPair(buf, start, end, pair);
  return ((pair[0] as number) & 0x1f_ffff) * 0x1_0000_0000 + (pair[1] as number);
}
