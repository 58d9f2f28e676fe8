import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runLocalEtl } from '../../../tools/etl/run-local-etl.js';
import { jsonLines, tempLake, validOrder } from '../../lambda/support/orders.js';
import { duckRows } from '../../lambda/support/readers.js';

const JAN = 'raw/store_sales/orders_2025_01.json';
const FEB = 'raw/store_sales/orders_2025_02.json';
const RATES = 'reference/fx_rates.csv';
let lake: Awaited<ReturnType<typeof tempLake>>;
beforeEach(async () => {
  lake = await tempLake();
  await lake.store.put(JAN, jsonLines([{ ...validOrder(1), currency: 'JPY' }, validOrder(2)]));
  await lake.store.put(FEB, jsonLines([validOrder(3, 2025, 2)]));
});
afterEach(() => lake.cleanup());

const run = () => runLocalEtl({ lake: lake.root });
const jpyRates = async () =>
  duckRows(
    `select fx_rate_to_usd::double as rate, order_total_usd::double as usd, order_total::double as total
     from read_parquet('${lake.root}/processed/store_sales/fact_orders/*/*/*.parquet') where currency = 'JPY'`,
  );

describe('the FX reference file', () => {
  it('turns a JPY order quarantined for want of a rate into a loaded one on the next run', async () => {
    const before = await run();
    expect(before.processed.find((r) => r.sourceKey === JAN)).toMatchObject({
      loaded: 1,
      quarantined: 1,
      byReason: { fx_rate_missing: 1 },
    });
    expect(await jpyRates()).toEqual([]);

    await lake.store.put(RATES, 'month,currency,rate_to_usd\n2025-01,JPY,0.006410\n');
    const after = await run();

    // the effective FX table changed: every source runs again, the JPY order now loads
    expect(after.processed.map((r) => [r.sourceKey, r.loaded, r.quarantined])).toEqual([
      [JAN, 2, 0],
      [FEB, 1, 0],
    ]);
    const [jpy] = await jpyRates();
    expect(jpy?.rate).toBe(0.00641);
    expect(jpy?.usd).toBe(Math.round(Number(jpy?.total) * 0.641) / 100);
    expect((await run()).skipped).toEqual([JAN, FEB]);
  });

  it('overrides a shipped rate', async () => {
    await lake.store.put(RATES, 'month,currency,rate_to_usd\n2025-02,INR,0.5\n');
    await lake.store.put(FEB, jsonLines([validOrder(5, 2025, 2)])); // an IN/INR order
    await run();
    const rows = await duckRows(
      `select currency, fx_rate_to_usd::double as rate
       from read_parquet('${lake.root}/processed/store_sales/fact_orders/order_year=2025/order_month=02/*.parquet')`,
    );
    expect(rows).toEqual([{ currency: 'INR', rate: 0.5 }]);
  });

  it('stops before loading anything when the file is malformed, with the fix in the hint', async () => {
    await lake.store.put(RATES, 'month,currency,rate_to_usd\n2025-01,JPY,-1\n');
    await expect(run()).rejects.toMatchObject({
      code: 'FX_REFERENCE_INVALID',
      message: 'reference/fx_rates.csv line 2: expected YYYY-MM,CUR,rate (up to 6 decimals): 2025-01,JPY,-1',
      hint: expect.stringContaining('then run `npx ops etl` again'),
    });
    expect(await lake.store.list('processed/')).toEqual([]);
  });
});
