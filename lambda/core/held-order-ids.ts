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
  /**
   * `fact_orders` files whose ids are also held by their bytes and checked on the spot: those a
   * source's earlier pass named as holders where `unconfirmedFiles` did not confirm it.
   */
  exactFiles?: readonly string[];
  /** Tests: the hash pair to use (default `idHashPair`). */
  hashPair?: IdHashPairFn;
}

/** A file's ids of one holder: what an index entry points to. */
interface HeldUnit {
  file: string;
  tag: number;
  /** Its ids by their bytes, for a file in `exactFiles`. */
  exact: OrderIdSet | undefined;
}

/**
 * The order_ids other sources have already loaded, for cross-source duplicate detection: the
 * `order_id` and `source_file` columns (projected, nothing else decoded) of every `fact_orders` file in the store
 * that another source owns. The file of the source being processed is skipped, so re-processing
 * a source never finds its own orders. order_id is unique over the whole table, so every
 * partition is read, not only the ones this source writes to: a resent file under a new name
 * lands in the same partitions, an id reused in another month is caught too.
 *
 * The held ids are kept by their hashes (`IdHashIndex`, ~7 bytes an id, ~14 while it is built), not their bytes: the
 * ids of eleven months of 1M orders took ~0.42 GB as bytes, past a 1,024 MB Lambda's room within
 * two years (docs/scale.md, "Where Lambda's limits bind"). A record costs one lookup however many
 * sources the lake holds, and is named for the first listed file (key order) whose entry
 * matches it, as an exact check names the first listed file holding it. A match is a candidate:
 * once the source is read, `unconfirmedFiles` reads the files it named again, and a file that
 * does not hold an id it was named for (a collision, ~1 in 10^9 lookups; or a file changed
 * meanwhile) makes the source run again with that file's ids also held by their bytes
 * (`exactFiles`), checked on the spot (`stageSource`; nothing of the first pass is published).
 * A confirmed answer is the exact one: a file listed earlier holding the id would have matched
 * first. "Holds" is checked on the file as it is when confirmed: a holder republished between
 * the read and the check (AWS) may confirm an answer its old version did not hold; the Lambda
 * sees that holder's files change during the run and runs the source again after it
 * (`s3-event-handler.ts`, its holders' facts compared at start and end).
 */
export class HeldOrderIds {
  /** Hash answers given by `holderOf`, by unit, for `unconfirmedFiles`. */
  private readonly answered = new Map<number, OrderIdSet>();

  private constructor(
    private readonly index: IdHashIndex,
    /** What each index entry's payload points to. */
    private readonly units: readonly HeldUnit[],
    /** Raw keys of the holders (the files' `source_file`), by tag. */
    private readonly holders: readonly string[],
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
    const exactFiles = new Set(options.exactFiles ?? []);
    const runs: HashRun[] = [];
    const units: HeldUnit[] = [];
    const holders: string[] = [];
    const tags = new Map<string, number>();
    const ownFiles: string[] = [];
    const pair = new Uint32Array(2);
    for (const obj of await store.list(tablePrefix('fact_orders'))) {
      const owner = outputOwner(obj.key);
      if (owner === ownStem) ownFiles.push(obj.key);
      if (owner === undefined || owner === ownStem || unheld.includes(owner)) continue;
      const fileUnits = new Map<number, number>();
      await forEachStoredIdBatch(store, obj.key, (table) => {
        const sourceKey = String(column(table, 'source_file').get(0));
        let tag = tags.get(sourceKey);
        if (tag === undefined) {
          tag = holders.push(sourceKey) - 1;
          tags.set(sourceKey, tag);
        }
        let u = fileUnits.get(tag);
        if (u === undefined) {
          u =
            units.push({
              file: obj.key,
              tag,
              exact: exactFiles.has(obj.key) ? new OrderIdSet() : undefined,
            }) - 1;
          fileUnits.set(tag, u);
        }
        const { exact } = units[u] as HeldUnit;
        const run: HashRun = {
          h1: new Uint32Array(table.numRows),
          h2: new Uint32Array(table.numRows),
          payload: u,
        };
        let i = 0;
        forEachIdIn(table, (buf, start, end) => {
          hashPair(buf, start, end, pair);
          run.h1[i] = pair[0] as number;
          run.h2[i++] = pair[1] as number;
          exact?.add(buf, start, end);
        });
        runs.push(run);
      });
    }
    const index = IdHashIndex.build(runs, units.length, hashPair);
    return new HeldOrderIds(index, units, holders, ownFiles, store);
  }

  /** How many ids other sources hold (an id two files hold counts twice). */
  get size(): number {
    return this.index.size;
  }

  /**
   * The raw key of the source that holds the id `buf[start, end)`, if another one does (that of
   * the first listed file). An answer from a file not held by its bytes stands once
   * `unconfirmedFiles` says so.
   */
  holderOf(buf: Uint8Array, start: number, end: number): string | undefined {
    const u = this.index.find(buf, start, end, this.accept);
    return u === undefined ? undefined : this.holders[(this.units[u] as HeldUnit).tag];
  }

  /** Whether the unit `u`, whose entry matched, answers for the id: on the spot if held by bytes. */
  private readonly accept = (u: number, buf: Uint8Array, start: number, end: number): boolean => {
    const { exact } = this.units[u] as HeldUnit;
    if (exact) return exact.has(buf, start, end);
    let answered = this.answered.get(u);
    if (!answered) {
      answered = new OrderIdSet();
      this.answered.set(u, answered);
    }
    answered.add(buf, start, end);
    return true;
  };

  /**
   * The files `holderOf` named as holders of ids they do not hold (read again now, the ids of
   * that holder): empty when every answer stands. A file that cannot be read any more counts:
   * the source's next pass reads the store as it is then.
   */
  async unconfirmedFiles(): Promise<string[]> {
    const unconfirmed: string[] = [];
    for (const [u, ids] of this.answered) {
      const { file, tag } = this.units[u] as HeldUnit;
      const holder = this.holders[tag] as string;
      const found = new OrderIdSet();
      try {
        await forEachStoredIdBatch(this.store, file, (table) => {
          if (String(column(table, 'source_file').get(0)) !== holder) return;
          forEachIdIn(table, (buf, start, end) => {
            if (ids.has(buf, start, end)) found.add(buf, start, end);
          });
        });
      } catch {
        // a file that cannot be read (any more) confirms no more than it did
      }
      if (found.size !== ids.size) unconfirmed.push(file);
    }
    return unconfirmed;
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
      await forEachStoredIdBatch(store, key, (table) =>
        forEachIdIn(table, (buf, start, end) => {
          if (!loaded.has(buf, start, end)) released++;
        }),
      );
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

/** `forEachIdBatch` over the stored object `key` of `store` (a `fact_orders` file). */
async function forEachStoredIdBatch(
  store: ObjectStore,
  key: string,
  each: (table: arrow.Table) => void,
): Promise<void> {
  const bytes = await readAll(await store.get(key));
  await forEachIdBatch(new Blob([bytes as Uint8Array<ArrayBuffer>]), each);
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
