import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isDueForRetry } from '../../../lambda/core/quarantine-retry.js';
import { runLocalEtl } from '../../../tools/etl/run-local-etl.js';
import { fileHashes } from '../../lambda/support/lake-files.js';
import { jsonLines, TEST_NOW, tempLake, validOrder } from '../../lambda/support/orders.js';
import { duckRows } from '../../lambda/support/readers.js';

// `ops etl --retry-quarantine` (issue 15, point 4): future-dated orders load once their time has come.

const KEY = 'raw/store_sales/orders_2025_06.json';
/** 2025-07-05T04:04:07Z, five days after TEST_NOW (2025-06-30): "in the future" at first. */
const SOON = validOrder(4, 2025, 7);
/** 2026-03, still in the future at the retry. */
const LATER = validOrder(6, 2026, 3);
const RETRY_AT = Date.UTC(2025, 6, 5);
const body = jsonLines([validOrder(1, 2025, 6), validOrder(2, 2025, 6), SOON, LATER]);

let lake: Awaited<ReturnType<typeof tempLake>>;
beforeEach(async () => {
  lake = await tempLake();
  await lake.store.put(KEY, body);
});
afterEach(() => lake.cleanup());

const facts = async (root: string) =>
  (
    await duckRows(`select count(*)::int as n, count(distinct order_id)::int as ids
      from read_parquet('${root}/processed/store_sales/fact_orders/*/*/*.parquet')`)
  )[0];

describe('retrying future-dated quarantined orders', () => {
  it('re-runs only sources with an order now in range; loads it once; the rest stays quarantined', async () => {
    const first = await runLocalEtl({ lake: lake.root, now: () => TEST_NOW });
    expect(first.processed[0]).toMatchObject({
      read: 4,
      loaded: 2,
      quarantined: 2,
      byReason: { timestamp_out_of_range: 2 },
    });

    // Not yet: nothing is due, the unchanged source is skipped.
    const early = await runLocalEtl({ lake: lake.root, now: () => TEST_NOW, retryQuarantine: true });
    expect(early).toMatchObject({ retried: [], processed: [], skipped: [KEY] });

    const retry = await runLocalEtl({ lake: lake.root, now: () => RETRY_AT, retryQuarantine: true });
    expect(retry.retried).toEqual([KEY]);
    const [r] = retry.processed;
    expect(r).toMatchObject({ read: 4, loaded: 3, quarantined: 1, byReason: { timestamp_out_of_range: 1 } });
    expect(r!.read).toBe(r!.loaded + r!.quarantined);
    expect(await facts(lake.root)).toEqual({ n: 3, ids: 3 });

    // Again: the order still in the future is not due, so nothing runs and nothing changes.
    const before = await fileHashes(lake.root, 'processed');
    const again = await runLocalEtl({ lake: lake.root, now: () => RETRY_AT, retryQuarantine: true });
    expect(again).toMatchObject({ retried: [], processed: [] });
    expect(await fileHashes(lake.root, 'processed')).toEqual(before);

    // The lake equals one processed for the first time at the retry's time, byte for byte.
    const fresh = await tempLake();
    try {
      await fresh.store.put(KEY, body);
      await runLocalEtl({ lake: fresh.root, now: () => RETRY_AT });
      for (const under of ['processed', 'quarantine'])
        expect(await fileHashes(lake.root, under)).toEqual(await fileHashes(fresh.root, under));
    } finally {
      await fresh.cleanup();
    }
  });

  it('treats only in-range timestamps of timestamp_out_of_range records as due', () => {
    const rec = (o: unknown, reason = 'timestamp_out_of_range') =>
      ({ reason, raw: typeof o === 'string' ? o : JSON.stringify(o) }) as Parameters<typeof isDueForRetry>[0];
    expect(isDueForRetry(rec(SOON), RETRY_AT)).toBe(true);
    expect(isDueForRetry(rec(SOON), TEST_NOW)).toBe(false);
    expect(isDueForRetry(rec(LATER), RETRY_AT)).toBe(false);
    expect(isDueForRetry(rec({ ...SOON, order_timestamp: '1999-12-31T00:00:00Z' }), RETRY_AT)).toBe(false);
    expect(isDueForRetry(rec(SOON, 'schema_violation'), RETRY_AT)).toBe(false);
    expect(isDueForRetry(rec('{not json'), RETRY_AT)).toBe(false);
    // JSON, but no order with a text timestamp: never due (Date.parse would read 2025 as a year)
    for (const raw of ['null', '2025', '[]', '{"order_timestamp":2025}', '{}'])
      expect(isDueForRetry(rec(raw), RETRY_AT)).toBe(false);
  });
});
