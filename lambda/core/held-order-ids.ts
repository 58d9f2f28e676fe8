import type { Readable } from 'node:stream';
import * as arrow from 'apache-arrow';
import { tablePrefix } from '../../contracts/lake-keys.js';
import type { ObjectStore } from './object-store.js';
import { OrderIdSet } from './order-id-set.js';
import { parquetWasm } from './parquet-wasm.js';
import { outputOwner } from './source-policy.js';

/**
 * The order_ids other sources have already loaded, for cross-source duplicate detection: the
 * `order_id` and `source_file` columns (projected, nothing else decoded) of every `fact_orders` file in the store
 * that another source owns. The file of the source being processed is skipped, so re-processing
 * a source never finds its own orders. order_id is unique over the whole table, so every
 * partition is read, not only the ones this source writes to: a resent file under a new name
 * lands in the same partitions, an id reused in another month is caught too.
 *
 * All the holders' ids are in one set, each tagged with its holder: a record costs one lookup
 * however many sources the lake holds (a set per holder cost one per holder: 11 at the twelfth
 * monthly file, ~3 µs a record).
 */
export class HeldOrderIds {
  private constructor(
    private readonly ids: OrderIdSet,
    /** Raw keys of the holders (the files' `source_file`), by tag. */
    private readonly holders: readonly string[],
    /** The `fact_orders` files `ownStem` itself owns, from the same listing (`releasedOrderIds`). */
    readonly ownFiles: readonly string[],
  ) {}

  /** Reads the ids held by every source but `ownStem` (and the `unheld` stems) from `store` (the processed store). */
  static async load(
    store: ObjectStore,
    ownStem: string,
    unheld: readonly string[] = [],
  ): Promise<HeldOrderIds> {
    const ids = new OrderIdSet({ tagged: true });
    const holders: string[] = [];
    const tags = new Map<string, number>();
    const ownFiles: string[] = [];
    for (const obj of await store.list(tablePrefix('fact_orders'))) {
      const owner = outputOwner(obj.key);
      if (owner === ownStem) ownFiles.push(obj.key);
      if (owner === undefined || owner === ownStem || unheld.includes(owner)) continue;
      const bytes = await readAll(await store.get(obj.key));
      await forEachIdBatch(new Blob([bytes as Uint8Array<ArrayBuffer>]), (table) => {
        const sourceKey = String(column(table, 'source_file').get(0));
        let tag = tags.get(sourceKey);
        if (tag === undefined) {
          tag = holders.push(sourceKey) - 1;
          tags.set(sourceKey, tag);
        }
        const holder = tag;
        // an id two holders both loaded (data from before the check) is named for the holder whose
        // file with it is listed first (keys in order): either is true, the quarantine says one
        forEachIdIn(table, (buf, start, end) => ids.add(buf, start, end, holder));
      });
    }
    return new HeldOrderIds(ids, holders, ownFiles);
  }

  /** How many ids other sources hold. */
  get size(): number {
    return this.ids.size;
  }

  /** The raw key of the source that holds the id `buf[start, end)`, if another one does. */
  holderOf(buf: Uint8Array, start: number, end: number): string | undefined {
    const tag = this.ids.tagOf(buf, start, end);
    return tag === undefined ? undefined : this.holders[tag];
  }
}

/**
 * How many order_ids the source's own `fact_orders` files in `store` (the processed store; the
 * keys `HeldOrderIds.load` listed as `ownFiles`) hold that `loaded` lacks: orders its last run
 * loaded and this run does not (gone from its file, now invalid). Sources that quarantined them as
 * its duplicates must run again, or nobody loads them. Read before this run publishes. A file that
 * cannot be read counts as one: some may be.
 */
export async function releasedOrderIds(
  store: ObjectStore,
  ownFiles: readonly string[],
  loaded: OrderIdSet,
): Promise<number> {
  let released = 0;
  for (const key of ownFiles) {
    try {
      const bytes = await readAll(await store.get(key));
      await forEachOrderId(new Blob([bytes as Uint8Array<ArrayBuffer>]), (buf, start, end) => {
        if (!loaded.has(buf, start, end)) released++;
      });
    } catch {
      released++;
    }
  }
  return released;
}

/**
 * Calls `each` with every order_id of a `fact_orders` Parquet file, as a byte range of a UTF-8
 * buffer (no string per id): `ops etl`'s parallel run uses it to compare sources' ids.
 */
export async function forEachOrderId(
  file: Blob,
  each: (buf: Uint8Array, start: number, end: number) => void,
): Promise<void> {
  await forEachIdBatch(file, (table) => forEachIdIn(table, each));
}

/** Calls `each` with every order_id of a batch, straight from the UTF-8 value buffers. */
function forEachIdIn(table: arrow.Table, each: (buf: Uint8Array, start: number, end: number) => void): void {
  for (const data of column(table, 'order_id').data) {
    const offsets = data.valueOffsets as Int32Array;
    const values = data.values as Uint8Array;
    for (let i = 0; i < data.length; i++) each(values, offsets[i] as number, offsets[i + 1] as number);
  }
}

/** A column `forEachIdBatch` asked for: Parquet decoding fails before a table lacks it. */
const column = (table: arrow.Table, name: 'order_id' | 'source_file') => table.getChild(name) as arrow.Vector;

/**
 * The order_id and source_file columns of a Parquet file, one row group at a time, as Arrow
 * tables. `ParquetFile.read` decodes only those columns (`readParquet` of parquet-wasm 0.8
 * ignores `columns` and decodes all 22: about 7x slower and 2.5x the memory); a row group at a
 * time, because WebAssembly memory never shrinks: decoding a 1.5M-order file at once grew it by
 * ~300 MB, for good, in every `ops etl` worker.
 */
async function forEachIdBatch(file: Blob, each: (table: arrow.Table) => void): Promise<void> {
  const parquet = await parquetWasm().ParquetFile.fromFile(file);
  try {
    const rowGroups = parquet.metadata().numRowGroups();
    for (let rowGroup = 0; rowGroup < rowGroups; rowGroup++) {
      const wasm = await parquet.read({ columns: ['order_id', 'source_file'], rowGroups: [rowGroup] });
      each(arrow.tableFromIPC(wasm.intoIPCStream()));
    }
  } finally {
    parquet.free();
  }
}

async function readAll(stream: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
