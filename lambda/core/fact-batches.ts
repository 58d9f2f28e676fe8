import type * as arrow from 'apache-arrow';
import type { FactTable } from '../../contracts/fact-tables.js';
import { ConstantColumn, EnumColumn } from './coded-columns.js';
import { type Column, recordBatchOf, type Utf8Column } from './columns.js';
import { type FactBuilders, FactSchemaError, factBuilders } from './fact-schema.js';
import { toUsdCents } from './money.js';
import { ARENA, ENUM_BYTES, type NormalizedOrder } from './normalized-order.js';

/**
 * The flattening: one `NormalizedOrder` becomes one `fact_orders` row and one `fact_order_items`
 * row per item, appended to column batches. The columns (names, order, types) come from the fact
 * table contract (contracts/fact-tables.ts); this module computes their values. Strings from the
 * raw contract's value lists are stored as one-byte codes, `source_file` as a constant.
 */

/** Appends a string reference of `o` (its own bytes, or the arena for decoded values). */
const appendRef = (column: Utf8Column, o: NormalizedOrder, start: number, end: number): void =>
  start >= ARENA ? column.append(o.arena, start - ARENA, end - ARENA) : column.append(o.src, start, end);

abstract class FactBatch<T extends FactTable, S> {
  protected readonly c: FactBuilders<T, S>['columns'];
  private readonly ordered: Column[];
  private readonly schema: arrow.Schema;

  constructor(
    private readonly table: T,
    builders: FactBuilders<T, S>,
  ) {
    this.c = builders.columns;
    this.ordered = builders.ordered;
    this.schema = builders.schema;
  }

  /** Rows buffered. */
  get length(): number {
    return (this.ordered[0] as Column).length;
  }

  /**
   * The buffered rows as an Arrow record batch (views over the buffers: use before `reset`);
   * `coded`: the enum and constant strings as dictionaries (`Column.codes`). Throws if `append`
   * left a contract column behind, i.e. does not compute it.
   */
  recordBatch(coded = false): arrow.RecordBatch {
    const rows = this.length;
    const behind = this.schema.fields.filter((_, i) => (this.ordered[i] as Column).length !== rows);
    if (behind.length) {
      throw new FactSchemaError(
        `${this.table}: ${behind.map((f) => f.name).join(', ')} not computed for every row (lambda/core/fact-batches.ts)`,
      );
    }
    return recordBatchOf(this.schema, this.ordered, coded);
  }

  reset(): void {
    for (const column of this.ordered) column.reset();
  }
}

const oneOf = (values: readonly Uint8Array[]) => new EnumColumn(values);

const orderBuilders = (source: Buffer) =>
  factBuilders('fact_orders', {
    status: oneOf(ENUM_BYTES.status),
    sales_channel: oneOf(ENUM_BYTES.channel),
    currency: oneOf(ENUM_BYTES.currency),
    customer_country: oneOf(ENUM_BYTES.country),
    customer_segment: oneOf(ENUM_BYTES.segment),
    payment_method: oneOf(ENUM_BYTES.method),
    source_file: new ConstantColumn(source),
  });

const itemBuilders = (source: Buffer) =>
  factBuilders('fact_order_items', {
    customer_country: oneOf(ENUM_BYTES.country),
    status: oneOf(ENUM_BYTES.status),
    source_file: new ConstantColumn(source),
  });

type OrderSpecial = ReturnType<typeof orderBuilders> extends FactBuilders<'fact_orders', infer S> ? S : never;
type ItemSpecial =
  ReturnType<typeof itemBuilders> extends FactBuilders<'fact_order_items', infer S> ? S : never;

/** `fact_orders`: one row per valid order. */
export class OrdersBatch extends FactBatch<'fact_orders', OrderSpecial> {
  /** `sourceKey`: the raw object key, every row's `source_file`. */
  constructor(sourceKey: string) {
    super('fact_orders', orderBuilders(Buffer.from(sourceKey)));
  }

  /** `microRate`: USD per unit of the order's currency × 1e6. */
  append(o: NormalizedOrder, microRate: number): void {
    const c = this.c;
    let units = 0;
    let subtotal = 0;
    let discount = 0;
    for (let i = 0; i < o.itemCount; i++) {
      const q = o.quantity[i] as number;
      units += q;
      subtotal += q * (o.unitPriceCents[i] as number);
      discount += o.discountCents[i] as number;
    }
    c.order_id.append(o.src, o.orderIdStart, o.orderIdEnd);
    c.order_timestamp.append(o.timestampMs);
    c.order_date.append(o.day);
    c.status.append(o.status);
    c.sales_channel.append(o.channel);
    c.currency.append(o.currency);
    c.customer_id.append(o.src, o.customerIdStart, o.customerIdEnd);
    c.customer_country.append(o.country);
    c.customer_segment.append(o.segment);
    c.customer_signup_date.append(o.signupDay);
    c.item_count.append(o.itemCount);
    c.units.append(units);
    c.subtotal.append(subtotal);
    c.discount_total.append(discount);
    c.shipping_fee.append(o.shippingCents);
    c.tax.append(o.taxCents);
    c.order_total.append(o.totalCents);
    c.fx_rate_to_usd.append(microRate);
    c.order_total_usd.append(toUsdCents(o.totalCents, microRate));
    c.payment_method.append(o.paymentMethod);
    c.payment_count.append(o.paymentCount);
    c.source_file.append();
  }
}

/** `fact_order_items`: one row per item of a valid order. */
export class ItemsBatch extends FactBatch<'fact_order_items', ItemSpecial> {
  constructor(sourceKey: string) {
    super('fact_order_items', itemBuilders(Buffer.from(sourceKey)));
  }

  append(o: NormalizedOrder, microRate: number): void {
    const c = this.c;
    for (let i = 0; i < o.itemCount; i++) {
      const lineTotal =
        (o.quantity[i] as number) * (o.unitPriceCents[i] as number) - (o.discountCents[i] as number);
      c.order_id.append(o.src, o.orderIdStart, o.orderIdEnd);
      c.line_number.append(o.lineNumber[i] as number);
      c.order_timestamp.append(o.timestampMs);
      c.order_date.append(o.day);
      c.customer_id.append(o.src, o.customerIdStart, o.customerIdEnd);
      c.customer_country.append(o.country);
      c.status.append(o.status);
      appendRef(c.product_id, o, o.productIdStart[i] as number, o.productIdEnd[i] as number);
      appendRef(c.product_name, o, o.productNameStart[i] as number, o.productNameEnd[i] as number);
      appendRef(c.category, o, o.categoryStart[i] as number, o.categoryEnd[i] as number);
      c.quantity.append(o.quantity[i] as number);
      c.unit_price.append(o.unitPriceCents[i] as number);
      c.discount.append(o.discountCents[i] as number);
      c.line_total.append(lineTotal);
      c.line_total_usd.append(toUsdCents(lineTotal, microRate));
      c.source_file.append();
    }
  }
}
