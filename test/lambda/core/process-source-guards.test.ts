import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReconciliationError, SourceKeyError } from '../../../lambda/core/etl-errors.js';
import { ParquetFileWriter } from '../../../lambda/core/parquet-file-writer.js';
import { processSource } from '../../../lambda/core/process-source.js';
import { QuarantineWriter } from '../../../lambda/core/quarantine-writer.js';
import { fileHashes } from '../support/lake-files.js';
import { jsonLines, TEST_NOW, tempLake, validOrder } from '../support/orders.js';

// The guards that only trip when something else is wrong: they need a fault or a big source.
const JAN = 'raw/store_sales/orders_2025_01.json';
const opts = { now: () => TEST_NOW, encoderThread: false };
let lake: Awaited<ReturnType<typeof tempLake>>;
beforeEach(async () => {
  lake = await tempLake();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await lake.cleanup();
});

describe('processSource guards', () => {
  it('throws ReconciliationError and publishes nothing when a writer loses a row', async () => {
    await lake.store.put(JAN, jsonLines([validOrder(1), validOrder(2)]));
    await processSource(lake.store, JAN, opts);
    const before = await fileHashes(lake.root);
    await lake.store.put(JAN, jsonLines([validOrder(3), validOrder(4), validOrder(5)]));
    const raw = (await fileHashes(lake.root, 'raw'))[JAN];
    // The injected fault: every Parquet file reports one row fewer than it was given.
    const close = ParquetFileWriter.prototype.close;
    vi.spyOn(ParquetFileWriter.prototype, 'close').mockImplementation(async function (
      this: ParquetFileWriter,
    ) {
      return (await close.call(this)) - 1;
    });

    const run = processSource(lake.store, JAN, opts);

    await expect(run).rejects.toBeInstanceOf(ReconciliationError);
    await expect(run).rejects.toMatchObject({ name: 'ReconciliationError', code: 'reconciliation_failed' });
    await expect(run).rejects.toThrow(/read 3, loaded 3, quarantined 0, order rows 2/);
    const after = await fileHashes(lake.root);
    expect({ ...after, [JAN]: before[JAN] }).toEqual(before);
    expect(after[JAN]).toBe(raw);
  });

  it('throws ReconciliationError and publishes nothing when a rejected record is lost', async () => {
    await lake.store.put(JAN, jsonLines([validOrder(1), validOrder(2)]));
    await processSource(lake.store, JAN, opts);
    const before = await fileHashes(lake.root);
    await lake.store.put(JAN, `${jsonLines([validOrder(3), validOrder(4)])}{"not":"an order"}\n`);
    // The injected fault: the quarantine writer drops what it is given.
    vi.spyOn(QuarantineWriter.prototype, 'add').mockImplementation(() => undefined);

    const run = processSource(lake.store, JAN, opts);

    await expect(run).rejects.toBeInstanceOf(ReconciliationError);
    await expect(run).rejects.toThrow(/read 3, loaded 2, quarantined 0, order rows 2/);
    const after = await fileHashes(lake.root);
    expect({ ...after, [JAN]: before[JAN] }).toEqual(before);
  });

  it('refuses a key that is not a raw source, with its code, before reading anything', async () => {
    const key = 'processed/store_sales/fact_orders/x.parquet';
    const get = vi.spyOn(lake.store, 'get');
    const run = processSource(lake.store, key, opts);
    await expect(run).rejects.toBeInstanceOf(SourceKeyError);
    await expect(run).rejects.toMatchObject({
      name: 'SourceKeyError',
      code: 'not_a_source_key',
      key,
      message: `"${key}" is not a raw source key: expected raw/store_sales/<name>.json (or .jsonl, .ndjson)`,
    });
    expect(get).not.toHaveBeenCalled();
  });
});
