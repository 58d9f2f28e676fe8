import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { FACT_TABLE_NAMES, FACT_TABLES, factColumnNames } from '../../../contracts/fact-tables.js';
import { EnumColumn } from '../../../lambda/core/coded-columns.js';
import { Int32Column, Utf8Column } from '../../../lambda/core/columns.js';
import { ItemsBatch, OrdersBatch } from '../../../lambda/core/fact-batches.js';
import { FactSchemaError, factBuilders } from '../../../lambda/core/fact-schema.js';
import type { NormalizedOrder } from '../../../lambda/core/normalized-order.js';
import { GOLDEN_ORDER, normalized } from '../support/orders.js';

// The ETL's guards against drifting from the fact table contract.
const golden = (): NormalizedOrder => normalized(GOLDEN_ORDER);

describe('fact builders from the contract', () => {
  it('build every contract column, in order, with the contract nullability', () => {
    for (const table of FACT_TABLE_NAMES) {
      const { schema, ordered } = factBuilders(table, {});
      expect(schema.fields.map((f) => f.name)).toEqual(factColumnNames(table));
      expect(schema.fields.map((f) => f.nullable)).toEqual(FACT_TABLES[table].columns.map((c) => c.nullable));
      expect(ordered).toHaveLength(FACT_TABLES[table].columns.length);
    }
  });

  it('refuse a builder for a column the contract does not have', () => {
    // @ts-expect-error: the type of factBuilders rejects it too
    expect(() => factBuilders('fact_orders', { discount: new Utf8Column() })).toThrow(
      new FactSchemaError('fact_orders: no contract column discount'),
    );
  });

  it('refuse a builder whose Arrow type is not the contract kind', () => {
    expect(() => factBuilders('fact_orders', { units: new EnumColumn([]) })).toThrow(
      /units: builder writes Utf8/,
    );
    expect(() => factBuilders('fact_orders', { order_date: new Int32Column(new arrow.Int32()) })).toThrow(
      /order_date: builder writes Int32, the contract says Date/,
    );
  });
});

describe('fact batches', () => {
  it('pack the contract schema', () => {
    const order = golden();
    const orders = new OrdersBatch('raw/store_sales/x.json');
    const items = new ItemsBatch('raw/store_sales/x.json');
    orders.append(order, 1_000_000);
    items.append(order, 1_000_000);
    expect(orders.recordBatch().schema.fields.map((f) => f.name)).toEqual(factColumnNames('fact_orders'));
    expect(items.recordBatch().numRows).toBe(GOLDEN_ORDER.items.length);
  });

  it('refuse to pack a column the append did not fill for every row', () => {
    const batch = new OrdersBatch('raw/store_sales/x.json');
    batch.append(golden(), 1_000_000);
    // As if the contract had gained `units` and the ETL did not compute it: one row behind.
    (batch as unknown as { c: { units: Int32Column } }).c.units.reset();
    expect(() => batch.recordBatch()).toThrow(/fact_orders: units not computed for every row/);
  });
});
