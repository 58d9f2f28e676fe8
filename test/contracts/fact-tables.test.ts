import { describe, expect, it } from 'vitest';
import type { FactColumn } from '../../contracts/fact-column.js';
import { FACT_TABLE_NAMES, FACT_TABLES, PARTITION_COLUMNS } from '../../contracts/fact-tables.js';
import { LAKE } from '../../contracts/lake-layout.js';

// The fact tables as agreed, written out independently of contracts/fact-tables.ts: the one copy
// in the tests, so an accidental edit of the contract fails here. Every other test derives its
// expectations from the contract. Money is decimal(18,2), the FX rate decimal(18,6).
const M = 'decimal(18,2)';
const AGREED = {
  fact_orders: [
    'order_id string',
    'order_timestamp timestamp',
    'order_date date',
    'status string',
    'sales_channel string',
    'currency string',
    'customer_id string',
    'customer_country string',
    'customer_segment string',
    'customer_signup_date date',
    'item_count int32',
    'units int32',
    `subtotal ${M}`,
    `discount_total ${M}`,
    `shipping_fee ${M}`,
    `tax ${M}`,
    `order_total ${M}`,
    'fx_rate_to_usd decimal(18,6)',
    `order_total_usd ${M}`,
    'payment_method string',
    'payment_count int32',
    'source_file string',
  ],
  fact_order_items: [
    'order_id string',
    'line_number int32',
    'order_timestamp timestamp',
    'order_date date',
    'customer_id string',
    'customer_country string',
    'status string',
    'product_id string',
    'product_name string',
    'category string',
    'quantity int32',
    `unit_price ${M}`,
    `discount ${M}`,
    `line_total ${M}`,
    `line_total_usd ${M}`,
    'source_file string',
  ],
};

const kindOf = (c: FactColumn): string =>
  c.kind === 'decimal' ? `decimal(${c.precision},${c.scale})` : c.kind;

describe('fact table contract', () => {
  it('lists the agreed tables, in the order the ETL writes them, under their lake prefixes', () => {
    expect(FACT_TABLE_NAMES).toEqual(['fact_orders', 'fact_order_items']);
    expect(FACT_TABLES.fact_orders.prefix).toBe(LAKE.factOrders);
    expect(FACT_TABLES.fact_order_items.prefix).toBe(LAKE.factOrderItems);
  });

  it.each(FACT_TABLE_NAMES)('declares the agreed columns of %s, in order, none nullable', (table) => {
    const columns: readonly FactColumn[] = FACT_TABLES[table].columns;
    expect(columns.map((c) => `${c.name} ${kindOf(c)}`)).toEqual(AGREED[table]);
    expect(columns.filter((c) => c.nullable)).toEqual([]);
    expect(columns.every((c) => c.description.length > 10)).toBe(true);
  });

  it('partitions both tables by order_year and order_month, strings', () => {
    for (const table of FACT_TABLE_NAMES) {
      expect(FACT_TABLES[table].partitions.map((c) => `${c.name} ${c.kind}`)).toEqual([
        'order_year string',
        'order_month string',
      ]);
    }
    expect(PARTITION_COLUMNS.map((c) => c.name)).toEqual(['order_year', 'order_month']);
  });

  it('declares a column both tables carry alike, but for the per-table Parquet hint prefixDelta', () => {
    const [orders, items] = FACT_TABLE_NAMES.map((t) => FACT_TABLES[t].columns as readonly FactColumn[]);
    const shared = orders!.filter((c) => items!.some((i) => i.name === c.name));
    expect(shared.map((c) => c.name)).toEqual([
      'order_id',
      'order_timestamp',
      'order_date',
      'status',
      'customer_id',
      'customer_country',
      'source_file',
    ]);
    const twin = (c: FactColumn) => items!.find((i) => i.name === c.name) as FactColumn;
    for (const c of shared) {
      const { prefixDelta: _o, ...inOrders } = c;
      const { prefixDelta: _i, ...inItems } = twin(c);
      expect(inItems).toEqual(inOrders);
    }
    // the writer properties are built per table, and on purpose the hint differs for one column:
    // fact_orders' ids come in time order (shared prefixes), fact_order_items repeats each id
    expect(shared.filter((c) => c.prefixDelta !== twin(c).prefixDelta).map((c) => c.name)).toEqual([
      'order_id',
    ]);
  });
});
