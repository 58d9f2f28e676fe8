import type { Readable } from 'node:stream';
import * as arrow from 'apache-arrow';
import { tablePrefix } from '../../contracts/lake-keys.js';
import { type HashRun, IdHashIndex, type IdHashPairFn } from './id-hash-index.js';
import type { ObjectStore } from './object-store.js';
import { idHashPair, OrderIdSet } from './order-id-set.js';
import { parquetWasm } from './parquet-wasm.js';
import { outputOwner } from './source-policy.js';

export type { IdHashPairFn } from './id-hash-index.js';

export interface HeldIdsOptions {
  /** Keep every id's bytes instead of its hashes: the second run of a source whose hash answers did not all confirm. */
  exact?: boolean;
  /** Tests: the hash pair to use (default `idHashPair`). */
  hashPair?: IdHashPairFn;
}

/**
 * The order_ids other sources have already loaded, for cross-source duplicate detection: the
 * `order_id` and `source_file` columns (projected, nothing else decoded) of every `fact_orders` file in the store
 * that another source owns. The file of the source being processed is skipped, so re-processing
 * a source never finds its own orders. order_id is unique over the whole table, so every
 * partition is read, not only the ones this source writes to: a resent file under a new name
 * lands in the same partitions, an id reused in another month is caught too.
 *
 * The held ids are kept by their hashes (`IdHashIndex`, ~7 bytes an id), not their bytes: the
 * ids of eleven months of 1M orders took ~0.42 GB as bytes, past a 1,024 MB Lambda's room within
 * two years (docs/scale.md, "Where Lambda's limits bind"). A record costs one lookup however many
 * sources the lake holds. A hash match is only a candidate, so every id `holderOf` answered is
 * checked against its holder's files once the source is read (`confirm`); if one is not there (a
 * collision, ~1 in 10^9 lookups), the source runs again with the ids' bytes (`exact`), and
 * nothing of the first run is published (`stageSource`).
 */
export class HeldOrderIds {
  /** Hash answers given by `holderOf`, by holder tag, for `confirm`. */
  private readonly answered = new Map<number, OrderIdSet>();

  private constructor(
    /** Every id's holder tag: by its bytes (exact) or by its hashes. */
    private readonly index: OrderIdSet | IdHashIndex,
    /** Raw keys of the holders (the files' `source_file`), by tag. */
    private readonly holders: readonly string[],
    /** The `fact_orders` files each holder's ids came from, by tag (for `confirm`). */
    private readonly holderFiles: readonly (readonly string[])[],
    /** The `fact_orders` files `ownStem` itself owns, from the same listing (`releasedOrderIds`). */
    readonly ownFiles: readonly string[],
    private readonly store: ObjectStore,
  ) {}

  /** Reads the ids held by every source but `ownStem` (and the `unheld` stems) from `store` (the processed store). */
  static async load(
    store: ObjectStore,
    ownStem: string,
    unheld: readonly string[] = [],
    options: HeldIdsOptions = {},
  ): Promise<HeldOrderIds> {
    const hashPair = options.hashPair ?? idHashPair;
    const exact = options.exact ? new OrderIdSet({ tagged: true }) : undefined;
    const runs: HashRun[] = [];
    const holders: string[] = [];
    const holderFiles: string[][] = [];
    const tags = new Map<string, number>();
    const ownFiles: string[] = [];
    const pair = new Uint32Array(2);
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
          holderFiles.push([]);
          tags.set(sourceKey, tag);
        }
        const files = holderFiles[tag] as string[];
        if (files[files.length - 1] !== obj.key) files.push(obj.key);
        const holder = tag;
        if (exact) {
          // an id two holders both loaded (data from before the check) is named for the holder
          // whose file with it is listed first (keys in order): either is true, the quarantine
          // says one; the hash index keeps the same order
          forEachIdIn(table, (buf, start, end) => exact.add(buf, start, end, holder));
          return;
        }
        const run: HashRun = { h1: new Uint32Array(table.numRows), h2: new Uint32Array(table.numRows), tag };
        let i = 0;
        forEachIdIn(table, (buf, start, end) => {
          hashPair(buf, start, end, pair);
          run.h1[i] = pair[0] as number;
          run.h2[i++] = pair[1] as number;
        });
        runs.push(run);
      });
    }
    const index = exact ?? IdHashIndex.build(runs, holders.length, hashPair);
    return new HeldOrderIds(index, holders, holderFiles, ownFiles, store);
  }

  /** How many ids other sources hold (by their hashes, an id two sources hold counts twice). */
  get size(): number {
    return this.index.size;
  }

  /**
   * The raw key of the source that holds the id `buf[start, end)`, if another one does (the first
   * listed). By their hashes, the answer stands once `confirm` says so.
   */
  holderOf(buf: Uint8Array, start: number, end: number): string | undefined {
    const tag = this.index.tagOf(buf, start, end);
    if (tag === undefined) return undefined;
    if (this.index instanceof IdHashIndex) {
      let answered = this.answered.get(tag);
      if (!answered) {
        answered = new OrderIdSet();
        this.answered.set(tag, answered);
      }
      answered.add(buf, start, end);
    }
    return this.holders[tag];
  }

  /**
   * Whether every id `holderOf` named a holder for is in that holder's files (read again now;
   * always so by their bytes). False also when a holder's file cannot be read any more: the
   * source's second run, by the ids' bytes, reads the store as it is then.
   */
  async confirm(): Promise<boolean> {
    for (const [tag, ids] of this.answered) {
      const holder = this.holders[tag] as string;
      const found = new OrderIdSet();
      try {
        for (const key of this.holderFiles[tag] ?? []) {
          const bytes = await readAll(await this.store.get(key));
          await forEachIdBatch(new Blob([bytes as Uint8Array<ArrayBuffer>]), (table) => {
            if (String(column(table, 'source_file').get(0)) !== holder) return;
            forEachIdIn(table, (buf, start, end) => {
              if (ids.has(buf, start, end)) found.add(buf, start, end);
            });
          });
        }
      } catch {
        return false;
      }
      if (found.size !== ids.size) return false;
    }
    return true;
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
