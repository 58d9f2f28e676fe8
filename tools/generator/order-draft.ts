import {
  ORDER_STATUSES,
  PAYMENT_METHODS,
  PAYMENT_STATUSES,
  type RawItem,
  type RawOrder,
  type RawPayment,
  SALES_CHANNELS,
  SEGMENTS,
} from '../../contracts/raw-order.js';
import { isoDate } from './calendar.js';
import { type Customer, newCustomer } from './customers.js';
import { COUNTRIES, CURRENCIES } from './markets.js';
import { PRODUCTS, type Product } from './product-catalog.js';

/** Most lines and payments one generated order can have. */
export const MAX_LINES = 6;
export const MAX_PAYMENTS = 2;

/** What every order of one day shares: its date as text and the key that scrambles order ids. */
export interface DayContext {
  /** Days since 1970-01-01. */
  day: number;
  /** `YYYY-MM-DD` */
  date: string;
  /** `YYYYMMDD` */
  compactDate: string;
  idKey: number;
}

/**
 * One order as numbers and enum indexes, filled in place for every order of a month (no
 * allocation). Two writers read it: `draftToOrder` (contract objects, for the streaming API)
 * and `writeDraftJson` (JSON bytes, for files); tests prove they agree.
 */
export class OrderDraft {
  day!: DayContext;
  /** UTC second of the day. */
  second = 0;
  /** Unique within the day; printed as 8 hex digits in the order id. */
  idHex = 0;
  /** Indexes into ORDER_STATUSES and SALES_CHANNELS. */
  status = 0;
  channel = 0;
  readonly customer: Customer = newCustomer();
  lines = 0;
  /** Per line: index into PRODUCTS, quantity, discount in minor units. */
  readonly product = new Int32Array(MAX_LINES);
  readonly quantity = new Int32Array(MAX_LINES);
  readonly discount = new Float64Array(MAX_LINES);
  /** Minor units. */
  shipping = 0;
  tax = 0;
  total = 0;
  payments = 0;
  /** Per payment: index into PAYMENT_METHODS, amount in minor units, index into PAYMENT_STATUSES. */
  readonly payMethod = new Int32Array(MAX_PAYMENTS);
  readonly payAmount = new Float64Array(MAX_PAYMENTS);
  readonly payStatus = new Int32Array(MAX_PAYMENTS);

  /** Unit price of line `i` in minor units (the catalog price in the customer's currency). */
  unitPrice(i: number): number {
    return (PRODUCTS[this.product[i] as number] as Product).priceCents[this.customer.currency] as number;
  }
}

export const hex8 = (x: number): string => (x >>> 0).toString(16).padStart(8, '0');
const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/** The draft as a contract object (fresh objects: callers may keep or change them). */
export function draftToOrder(d: OrderDraft): RawOrder {
  const c = d.customer;
  const id = `${d.day.compactDate}-${hex8(d.idHex)}`;
  const items: RawItem[] = [];
  for (let i = 0; i < d.lines; i++) {
    const p = PRODUCTS[d.product[i] as number] as Product;
    items.push({
      line_number: i + 1,
      product_id: p.id,
      product_name: p.name,
      category: p.category,
      quantity: d.quantity[i] as number,
      unit_price: d.unitPrice(i) / 100,
      discount: (d.discount[i] as number) / 100,
    });
  }
  const payments: RawPayment[] = [];
  for (let i = 0; i < d.payments; i++) {
    payments.push({
      payment_id: `PAY-${id}-${i + 1}`,
      method: PAYMENT_METHODS[d.payMethod[i] as number] as RawPayment['method'],
      amount: (d.payAmount[i] as number) / 100,
      status: PAYMENT_STATUSES[d.payStatus[i] as number] as RawPayment['status'],
    });
  }
  const s = d.second;
  return {
    order_id: `ORD-${id}`,
    order_timestamp: `${d.day.date}T${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}Z`,
    status: ORDER_STATUSES[d.status] as RawOrder['status'],
    sales_channel: SALES_CHANNELS[d.channel] as RawOrder['sales_channel'],
    currency: CURRENCIES[c.currency] as RawOrder['currency'],
    customer: {
      customer_id: `CUST-${String(c.number).padStart(7, '0')}`,
      country: COUNTRIES[c.country] as RawOrder['customer']['country'],
      segment: SEGMENTS[c.segment] as RawOrder['customer']['segment'],
      signup_date: isoDate(c.signupDay),
    },
    items,
    payments,
    shipping_fee: d.shipping / 100,
    tax: d.tax / 100,
    order_total: d.total / 100,
  };
}
