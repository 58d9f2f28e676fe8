import { writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FACT_TABLE_NAMES } from '../../../contracts/fact-tables.js';
import { factFileKey, quarantineKey, sourceLedgerKey } from '../../../contracts/lake-keys.js';
import type { ObjectStore, PutBody, PutOptions } from '../../../lambda/core/object-store.js';
import { publishOutputs } from '../../../lambda/core/publish-outputs.js';
import { retireSourceOutputs } from '../../../lambda/core/retire-source.js';
import {
  type LedgerEntry,
  newestSequencer,
  readLedger,
  readLedgerVersion,
  StaleEventError,
  updateLedger,
} from '../../../lambda/core/source-ledger.js';
import { LocalObjectStore } from '../../../tools/storage/local-object-store.js';
import { tempLake } from '../support/orders.js';

/** The real local store, recording the content type of every put (S3 keeps it; a folder cannot). */
class RecordingStore extends LocalObjectStore {
  readonly contentTypes = new Map<string, string | undefined>();
  override async put(key: string, body: PutBody, options?: PutOptions): Promise<void> {
    this.contentTypes.set(key, options?.contentType);
    await super.put(key, body);
  }
  override async putIf(key: string, body: string, expected: string | null, options?: PutOptions) {
    this.contentTypes.set(key, options?.contentType);
    return super.putIf(key, body, expected);
  }
}

let dir: string;
let cleanup: () => Promise<void>;
let processed: RecordingStore;
let quarantine: RecordingStore;
beforeEach(async () => {
  ({ root: dir, cleanup } = await tempLake());
  processed = new RecordingStore(path.join(dir, 'processed'));
  quarantine = new RecordingStore(path.join(dir, 'quarantine'));
});
afterEach(() => cleanup());

async function keys(store: ObjectStore): Promise<string[]> {
  return (await store.list('')).map((o) => o.key);
}

/** A local file to publish, with `text` as its bytes. */
function staged(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('the source ledger', () => {
  it('reads back what it wrote, as one JSON line typed application/json', async () => {
    const entry: LedgerEntry = { key: 'raw/store_sales/orders_2025_01.json', event: 'put', sequencer: '0A' };
    const written = await updateLedger(processed, entry.key, () => entry);
    // every write carries an id of its own, so it changes the version even with the same content
    expect(written).toEqual({ ...entry, writeId: expect.any(String) });
    expect(await readLedger(processed, entry.key)).toEqual(written);
    const again = await updateLedger(processed, entry.key, () => entry);
    expect(again?.writeId).not.toBe(written?.writeId);
    const ledgerKey = sourceLedgerKey(entry.key);
    expect(processed.contentTypes.get(ledgerKey)).toBe('application/json');
    expect(
      await processed
        .get(ledgerKey)
        .then((s) => s.toArray())
        .then((c) => Buffer.concat(c).toString()),
    ).toBe(`${JSON.stringify(again)}\n`);
  });

  it('has no entry for a missing, unparseable or foreign ledger object, and rethrows other failures', async () => {
    const key = 'raw/store_sales/orders_2025_02.json';
    expect(await readLedger(processed, key)).toBeUndefined();
    await processed.put(sourceLedgerKey(key), '{"key": ');
    expect(await readLedger(processed, key)).toBeUndefined();
    // the ledger is named by base name: an entry written for another folder's key is not this key's
    await processed.put(
      sourceLedgerKey(key),
      JSON.stringify({ key: 'elsewhere/orders_2025_02.json', event: 'put' }),
    );
    expect(await readLedger(processed, key)).toBeUndefined();
    await processed.put(sourceLedgerKey(key), 'null');
    expect(await readLedger(processed, key)).toBeUndefined();
    const failing = Object.create(processed) as ObjectStore;
    failing.read = () => Promise.reject(Object.assign(new Error('access denied'), { code: 'AccessDenied' }));
    await expect(readLedger(failing, key)).rejects.toThrow('access denied');
  });

  it('keeps a change written between its read and its write: the second writer starts again from it', async () => {
    const key = 'raw/store_sales/orders_2025_03.json';
    await updateLedger(processed, key, () => ({ key, event: 'put', sequencer: '0A' }));
    const start = await readLedgerVersion(processed, key);
    // a holder flags the source while its run is busy
    await updateLedger(
      processed,
      key,
      (cur) => cur && { ...cur, holdersChanged: ['raw/store_sales/h.json'] },
    );
    const seen: boolean[] = [];

    const written = await updateLedger(
      processed,
      key,
      (cur, unchanged) => {
        seen.push(unchanged);
        return {
          key,
          event: 'put',
          sequencer: '0B',
          ...(unchanged ? {} : { holdersChanged: cur?.holdersChanged }),
        };
      },
      start,
    );

    // first from the entry it read, then, that write lost, from the flagged one
    expect(seen).toEqual([true, false]);
    expect(written).toEqual({
      key,
      event: 'put',
      sequencer: '0B',
      holdersChanged: ['raw/store_sales/h.json'],
      writeId: expect.any(String),
    });
    expect(await readLedger(processed, key)).toEqual(written);
  });

  it('loses no change when writers race on one ledger', async () => {
    const key = 'raw/store_sales/orders_2025_04.json';
    await updateLedger(processed, key, () => ({ key, event: 'put' }));
    const holders = ['a', 'b', 'c', 'd', 'e'].map((h) => `raw/store_sales/${h}.json`);

    await Promise.all(
      holders.map((h) =>
        updateLedger(
          processed,
          key,
          (cur) => cur && { ...cur, holdersChanged: [...(cur.holdersChanged ?? []), h] },
        ),
      ),
    );

    expect((await readLedger(processed, key))?.holdersChanged?.sort()).toEqual(holders);
  });

  it('keeps the first of two equal sequencers and names a stale event', () => {
    expect(newestSequencer('0055AED6DCD90281E5', '55aed6dcd90281e5')).toBe('0055AED6DCD90281E5');
    expect(newestSequencer('100', 'FF')).toBe('100');
    expect(newestSequencer('1A', undefined)).toBe('1A');
    const err = new StaleEventError('older than the ledger');
    expect([err.name, err.code, err.message]).toEqual([
      'StaleEventError',
      'stale_event',
      'older than the ledger',
    ]);
  });
});

describe('publishing and retiring one source', () => {
  const stem = 'orders_2025_01';
  const other = 'orders_2025_02';

  it('publishes typed Parquet and quarantine objects, then removes only its own files in partitions it left', async () => {
    // before: this source fed 2025-01 and 2025-02 of every table; another source feeds 2025-02
    for (const table of FACT_TABLE_NAMES) {
      await processed.put(factFileKey(table, 2025, 1, stem), 'old');
      await processed.put(factFileKey(table, 2025, 2, stem), 'old');
      await processed.put(factFileKey(table, 2025, 2, other), 'theirs');
    }
    const files = FACT_TABLE_NAMES.map((table) => ({
      table,
      partition: 'year=2025/month=01',
      key: factFileKey(table, 2025, 1, stem),
      file: staged(`${table}.parquet`, `new ${table}`),
      rows: 1,
    }));
    const removed = await publishOutputs(processed, quarantine, stem, files, staged('q.jsonl', '{}\n'));
    expect(removed.sort()).toEqual(FACT_TABLE_NAMES.map((t) => factFileKey(t, 2025, 2, stem)).sort());
    for (const f of files) {
      expect(processed.contentTypes.get(f.key)).toBe('application/vnd.apache.parquet');
      expect(Buffer.concat(await (await processed.get(f.key)).toArray()).toString()).toBe(`new ${f.table}`);
    }
    expect(quarantine.contentTypes.get(quarantineKey(stem))).toBe('application/x-ndjson');
    expect(await keys(quarantine)).toEqual([quarantineKey(stem)]);
    expect((await keys(processed)).filter((k) => k.includes(other))).toHaveLength(FACT_TABLE_NAMES.length);

    // a failed source publishes its quarantine file only: its facts stay, nothing is removed
    const failed = await publishOutputs(processed, quarantine, stem, [], undefined, { replaceFacts: false });
    expect(failed).toEqual([]);
    expect(await keys(quarantine)).toEqual([]);
    expect((await keys(processed)).filter((k) => k.includes(stem))).toHaveLength(FACT_TABLE_NAMES.length);
  });

  it('keeps the quarantine records of the version whose facts stay when the source is refused, one refusal at a time', async () => {
    const record = (line: number, reason: string) =>
      JSON.stringify({ source_key: `raw/store_sales/${stem}.json`, line_number: line, reason });
    const text = async () =>
      Buffer.concat(await (await quarantine.get(quarantineKey(stem))).toArray()).toString();
    const goodRecords = `${record(3, 'invalid_json')}\nnot json, kept as it is\n${record(9, 'schema_violation')}\n`;
    await publishOutputs(processed, quarantine, stem, [], staged('good.jsonl', goodRecords), {
      replaceFacts: true,
    });
    await processed.put(factFileKey('fact_orders', 2025, 1, stem), 'good');

    // refused: the good version's records stay and the refusal follows them
    const refusal = `${record(0, 'empty_file')}\n`;
    await publishOutputs(processed, quarantine, stem, [], staged('r1.jsonl', refusal), {
      replaceFacts: false,
    });
    expect(await text()).toBe(goodRecords + refusal);
    // refused again, for another reason: the earlier refusal is replaced, not added to
    const again = `${record(0, 'not_json_file')}\n`;
    await publishOutputs(processed, quarantine, stem, [], staged('r2.jsonl', again), { replaceFacts: false });
    expect(await text()).toBe(goodRecords + again);
    expect(await keys(processed)).toEqual([factFileKey('fact_orders', 2025, 1, stem)]);
    // a good version replaces all of it
    await publishOutputs(
      processed,
      quarantine,
      stem,
      [],
      staged('good2.jsonl', `${record(4, 'invalid_json')}\n`),
    );
    expect(await text()).toBe(`${record(4, 'invalid_json')}\n`);
    // a source refused with no quarantine file before it holds the refusal alone
    await quarantine.delete(quarantineKey(stem));
    await publishOutputs(processed, quarantine, stem, [], staged('r3.jsonl', refusal), {
      replaceFacts: false,
    });
    expect(await text()).toBe(refusal);
  });

  it('rejects, keeping the published quarantine file, when it cannot write the kept records', async () => {
    const good = `${JSON.stringify({ line_number: 3, reason: 'invalid_json' })}\n`;
    await publishOutputs(processed, quarantine, stem, [], staged('good3.jsonl', good));
    const refusal = staged('r4.jsonl', `${JSON.stringify({ line_number: 0, reason: 'empty_file' })}\n`);
    // a folder where the kept records' file goes
    await mkdir(`${refusal}.kept`);

    await expect(
      publishOutputs(processed, quarantine, stem, [], refusal, { replaceFacts: false }),
    ).rejects.toMatchObject({ code: 'EISDIR' });
    expect(Buffer.concat(await (await quarantine.get(quarantineKey(stem))).toArray()).toString()).toBe(good);
  });

  it('retires every Parquet file and the quarantine file of a deleted source, and nothing of another', async () => {
    for (const table of FACT_TABLE_NAMES) {
      await processed.put(factFileKey(table, 2025, 1, stem), 'x');
      await processed.put(factFileKey(table, 2025, 2, stem), 'x');
      await processed.put(factFileKey(table, 2025, 1, other), 'x');
      // a source whose name ends like this one's is another source
      await processed.put(factFileKey(table, 2025, 1, `x${stem}`), 'x');
    }
    await quarantine.put(quarantineKey(stem), '{}\n');
    await quarantine.put(quarantineKey(other), '{}\n');
    const before = await keys(processed);
    const removed = await retireSourceOutputs(processed, quarantine, `raw/store_sales/${stem}.json`);
    const expected = FACT_TABLE_NAMES.flatMap((t) => [
      factFileKey(t, 2025, 1, stem),
      factFileKey(t, 2025, 2, stem),
    ]);
    expect(removed.sort()).toEqual(expected.sort());
    expect(await keys(processed)).toEqual(before.filter((k) => !expected.includes(k)));
    expect(await keys(quarantine)).toEqual([quarantineKey(other)]);
    // retiring again finds nothing and is no error
    expect(await retireSourceOutputs(processed, quarantine, `raw/store_sales/${stem}.json`)).toEqual([]);
  });
});
