import * as arrow from 'apache-arrow';
import { ConstantColumn, EnumColumn } from './coded-columns.js';
import {
  type Column,
  DecimalColumn,
  Int32Column,
  recordBatchOf,
  TimestampColumn,
  Utf8Column,
} from './columns.js';
import { toUsdCents } from './money.js';
import { ARENA, ENUM_BYTES, type NormalizedOrder } from './normalized-order.js';

/**
 * The flattening: one `NormalizedOrder` becomes one `fact_orders` row and one `fact_order_items`
 * row per item, appended to column batches. Column names, order and types are the fact table
 * contract (partition columns live in the folder names, not in the files).
 */

const str = () => new Utf8Column();
const i32 = () => new Int32Column(new arrow.Int32());
const day = () => new Int32Column(new arrow.DateDay());
const ts = () => new TimestampColumn();
const money = () => new DecimalColumn(2);
const oneOf = (values: readonly Uint8Array[]) => new EnumColumn(values);

/** Appends a string reference of `o` (its own bytes, or the arena for decoded values). */
const appendRef = (column: Utf8Column, o: NormalizedOrder, start: number, end: number): void =>
  start >= ARENA ? column.append(o.arena, start - ARENA, end - ARENA) : column.append(o.src, start, end);

abstract class FactBatch<C extends Record<string, Column>> {
  private readonly first: Column;

  constructor(protected readonly c: C) {
    this.first = Object.values(c)[0] as Column;
  }

  /** Rows buffered. */
  get length(): number {
    return this.first.length;
  }

  /** The buffered rows as an Arrow record batch (views over the buffers: use before `reset`). */
  recordBatch(): arrow.RecordBatch {
    return recordBatchOf(Object.entries(this.c));
  }

  reset(): void {
    for (const column of Object.values(this.c)) column.reset();
  }
}

const orderColumns = (source: Buffer) => ({
  order_id: str(),
  order_timestamp: ts(),
  order_date: day(),
  status: oneOf(ENUM_BYTES.status),
  sales_channel: oneOf(ENUM_BYTES.channel),
  currency: oneOf(ENUM_BYTES.currency),
  customer_id: str(),
  customer_country: oneOf(ENUM_BYTES.country),
  customer_segment: oneOf(ENUM_BYTES.segment),
  customer_signup_date: day(),
  item_count: i32(),
  units: i32(),
  subtotal: money(),
  discount_total: money(),
  shipping_fee: money(),
  tax: money(),
  order_total: money(),
  fx_rate_to_usd: new DecimalColumn(6),
  order_total_usd: money(),
  payment_method: oneOf(ENUM_BYTES.method),
  payment_count: i32(),
  source_file: new ConstantColumn(source),
});

const itemColumns = (source: Buffer) => ({
  order_id: str(),
  line_number: i32(),
  order_timestamp: ts(),
  order_date: day(),
  customer_id: str(),
  customer_country: oneOf(ENUM_BYTES.country),
  status: oneOf(ENUM_BYTES.status),
  product_id: str(),
  product_name: str(),
  category: oneOf(ENUM_BYTES.category),
  quantity: i32(),
  unit_price: money(),
  discount: money(),
  line_total: money(),
  line_total_usd: money(),
  source_file: new ConstantColumn(source),
});

/** `fact_orders`: one row per valid order. */
export class OrdersBatch extends FactBatch<ReturnType<typeof orderColumns>> {
  /** `sourceKey`: the raw object key, every row's `source_file`. */
  constructor(sourceKey: string) {
    super(orderColumns(Buffer.from(sourceKey)));
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
export class ItemsBatch extends FactBatch<ReturnType<typeof itemColumns>> {
  constructor(sourceKey: string) {
    super(itemColumns(Buffer.from(sourceKey)));
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
      c.category.append(o.category[i] as number);
      c.quantity.append(o.quantity[i] as number);
      c.unit_price.append(o.unitPriceCents[i] as number);
      c.discount.append(o.discountCents[i] as number);
      c.line_total.append(lineTotal);
      c.line_total_usd.append(toUsdCents(lineTotal, microRate));
      c.source_file.append();
    }
  }
}
