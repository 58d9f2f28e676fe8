import { describe, expect, it } from 'vitest';
import {
  contestedSources,
  outputOwner,
  planSources,
  recordFromOutputs,
  runDecision,
} from '../../../lambda/core/source-policy.js';

const JAN = 'raw/store_sales/orders_2025_01.json';
const JAN_L = 'raw/store_sales/orders_2025_01.jsonl';
const FEB = 'raw/store_sales/orders_2025_02.json';
const part = (table: string, m: string, stem: string) =>
  `processed/store_sales/${table}/order_year=2025/order_month=${m}/part-${stem}.parquet`;

describe('planSources', () => {
  it('considers only raw source keys, sorted', () => {
    const plan = planSources({
      listed: [FEB, 'raw/store_sales/notes.txt', 'raw/store_sales/sub/x.json', JAN],
      recorded: {},
    });
    expect(plan.sources).toEqual([JAN, FEB]);
    expect(plan.candidates).toEqual([JAN, FEB]);
  });

  it('refuses every key of a base name shared by two raw files, and keeps the others', () => {
    const plan = planSources({ listed: [JAN, JAN_L, FEB], recorded: {} });
    expect(plan.refused.map((r) => r.key)).toEqual([JAN, JAN_L]);
    expect(plan.refused.map((r) => r.error)).toEqual([
      `raw files ${JAN}, ${JAN_L} share the name "orders_2025_01", so their outputs would collide: keep one`,
      `raw files ${JAN}, ${JAN_L} share the name "orders_2025_01", so their outputs would collide: keep one`,
    ]);
    expect(plan.candidates).toEqual([FEB]);
  });

  it('refuses a colliding key even when it is asked for by name', () => {
    const plan = planSources({ listed: [JAN, JAN_L, FEB], recorded: {}, requested: [JAN_L, FEB] });
    expect(plan.candidates).toEqual([FEB]);
  });

  it('runs again a source whose duplicates were held by a retired source, even when not asked for', () => {
    const MAR = 'raw/store_sales/orders_2025_03.json';
    const recorded = {
      [JAN]: { outputs: [part('fact_orders', '01', 'orders_2025_01')] },
      [FEB]: { outputs: [], duplicateOf: [JAN] },
      [MAR]: { outputs: [], duplicateOf: ['raw/store_sales/other.json'] },
    };
    const plan = planSources({ listed: [FEB, MAR], recorded, requested: [MAR] });
    expect(plan.retired.map((r) => r.key)).toEqual([JAN]);
    expect(plan.rerun).toEqual([FEB]);
    expect(plan.candidates).toEqual([MAR, FEB]);
    expect(planSources({ listed: [JAN, FEB, MAR], recorded }).rerun).toEqual([]);
  });

  it("reruns a source when any one of its duplicates' holders is gone, once, and never a refused one", () => {
    const MAR = 'raw/store_sales/orders_2025_03.json';
    const MAR_L = 'raw/store_sales/orders_2025_03.jsonl';
    const recorded = {
      [JAN]: { outputs: [] },
      [FEB]: { outputs: [], duplicateOf: ['raw/store_sales/kept.json', JAN] },
      [MAR]: { outputs: [], duplicateOf: [JAN] },
      [MAR_L]: { outputs: [], duplicateOf: [JAN] },
    };
    const listed = [FEB, MAR, MAR_L, 'raw/store_sales/kept.json'];
    const plan = planSources({ listed, recorded, requested: [FEB] });
    expect(plan.rerun).toEqual([FEB]);
    expect(plan.candidates).toEqual([FEB]);
  });

  it('retires recorded sources that are gone, with all their outputs', () => {
    const recorded = {
      [JAN]: {
        outputs: [part('fact_orders', '01', 'orders_2025_01'), 'quarantine/store_sales/orders_2025_01.jsonl'],
      },
      [FEB]: { outputs: [part('fact_orders', '02', 'orders_2025_02')] },
    };
    const plan = planSources({ listed: [FEB], recorded });
    expect(plan.retired).toEqual([{ key: JAN, outputs: recorded[JAN].outputs }]);
  });
});

describe('recordFromOutputs (stores that keep no state)', () => {
  it('groups outputs by owning source; a group with no raw file is recorded under <stem>.*', () => {
    const outputs = [
      part('fact_orders', '01', 'orders_2025_01'),
      part('fact_order_items', '01', 'orders_2025_01'),
      part('fact_orders', '03', 'orders_2025_03'),
      'quarantine/store_sales/orders_2025_03.jsonl',
      'processed/store_sales/fact_orders/_SUCCESS',
    ];
    expect(recordFromOutputs([JAN], outputs)).toEqual({
      [JAN]: { outputs: outputs.slice(0, 2) },
      'raw/store_sales/orders_2025_03.*': { outputs: outputs.slice(2, 4) },
    });
  });

  it('names the owner of part files and quarantine files only', () => {
    expect(outputOwner(part('fact_orders', '01', 'orders 2025 (01)'))).toBe('orders 2025 (01)');
    expect(outputOwner('quarantine/store_sales/orders_2025_01.jsonl')).toBe('orders_2025_01');
    expect(
      outputOwner('processed/store_sales/fact_orders/order_year=2025/order_month=01/x.parquet'),
    ).toBeUndefined();
    expect(outputOwner('raw/store_sales/orders_2025_01.json')).toBeUndefined();
    for (const name of ['xpart-a.parquet', 'part-a.parquet.tmp', 'part-.parquet'])
      expect(
        outputOwner(`processed/store_sales/fact_orders/order_year=2025/order_month=01/${name}`),
        name,
      ).toBeUndefined();
    for (const key of [
      'quarantine/store_sales/_refused/orders_2025_01.jsonl.jsonl',
      'quarantine/store_sales/orders_2025_01.json',
      'state/quarantine/store_sales/orders_2025_01.jsonl',
    ])
      expect(outputOwner(key), key).toBeUndefined();
  });

  it('records outputs under listed raw keys only', () => {
    const outputs = [part('fact_orders', '01', 'orders_2025_01')];
    expect(
      recordFromOutputs(['other/orders_2025_01.json', 'raw/store_sales/orders_2025_01.csv'], outputs),
    ).toEqual({
      'raw/store_sales/orders_2025_01.*': { outputs },
    });
  });
});

describe('runDecision', () => {
  const last = { size: 10, mtimeMs: 1000, sha256: 'a'.repeat(64), etlVersion: 'v1' };
  const now = { size: 10, mtimeMs: 1000, etlVersion: 'v1', outputsPresent: true };

  it('skips an unchanged source', () => expect(runDecision(last, now)).toBe('skip'));
  it('runs a new source', () => expect(runDecision(undefined, now)).toBe('run'));
  it('runs a resized source', () => expect(runDecision(last, { ...now, size: 11 })).toBe('run'));
  it('runs when an output is missing', () =>
    expect(runDecision(last, { ...now, outputsPresent: false })).toBe('run'));
  it('runs under another ETL version', () =>
    expect(runDecision(last, { ...now, etlVersion: 'v2' })).toBe('run'));
  it('lets the content decide when only the mtime moved', () =>
    expect(runDecision(last, { ...now, mtimeMs: 2000 })).toBe('compare-content'));
});

describe('contestedSources', () => {
  it('names each source that wrote to a partition an earlier key of the same run wrote to', () => {
    const r = (sourceKey: string, partitions: string[]) => ({ sourceKey, partitions });
    const results = [
      r(FEB, ['2025-02']),
      r('raw/store_sales/b.json', ['2025-01']),
      r(JAN, ['2025-01', '2025-03']),
    ];
    expect(contestedSources(results)).toEqual([JAN]);
    expect(contestedSources([r(JAN, ['2025-01']), r(FEB, ['2025-02']), r(JAN_L, [])])).toEqual([]);
    // in key order whatever the order of the results, which stay as given
    const given = [r(JAN, ['2025-01']), r('raw/store_sales/b.json', ['2025-01'])];
    expect(contestedSources(given)).toEqual([JAN]);
    expect(given.map((g) => g.sourceKey)).toEqual([JAN, 'raw/store_sales/b.json']);
  });
});
