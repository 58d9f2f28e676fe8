import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RawOrder } from '../../../contracts/raw-order.js';
import { FastOrderParser } from '../../../lambda/core/fast-order-parser.js';
import { NormalizedOrder } from '../../../lambda/core/normalized-order.js';
import { LocalObjectStore } from '../../../tools/storage/local-object-store.js';

/**
 * Hand-written raw orders for the ETL tests. `GOLDEN_ORDER` is the one whose fact rows the
 * golden test spells out; `validOrder(i)` gives a deterministic, contract-valid variety.
 */
export const GOLDEN_ORDER: RawOrder = {
  order_id: 'ORD-20250114-3f9a2c1b',
  order_timestamp: '2025-01-14T09:31:07Z',
  status: 'completed',
  sales_channel: 'online',
  currency: 'GBP',
  customer: { customer_id: 'CUST-0001234', country: 'UK', segment: 'consumer', signup_date: '2024-11-02' },
  items: [
    {
      line_number: 1,
      product_id: 'PROD-0101',
      product_name: 'Noise-cancelling headphones',
      category: 'electronics',
      quantity: 2,
      unit_price: 149.0,
      discount: 10.0,
    },
    {
      line_number: 2,
      product_id: 'PROD-0202',
      product_name: 'Café au lait mug',
      category: 'home_kitchen',
      quantity: 3,
      unit_price: 12.5,
      discount: 0,
    },
  ],
  payments: [
    { payment_id: 'PAY-1', method: 'gift_card', amount: 100.0, status: 'paid' },
    { payment_id: 'PAY-2', method: 'credit_card', amount: 237.89, status: 'paid' },
  ],
  shipping_fee: 4.99,
  tax: 7.4,
  order_total: 337.89,
};

const COUNTRIES = [
  ['US', 'USD'],
  ['UK', 'GBP'],
  ['DE', 'EUR'],
  ['FR', 'EUR'],
  ['CA', 'CAD'],
  ['IN', 'INR'],
] as const;
const CATEGORIES = ['electronics', 'books', 'grocery', 'office'] as const;

/** A valid order: `i` picks the country, size, day (in `year`-`month`) and amounts. */
export function validOrder(i: number, year = 2025, month = 1): RawOrder {
  const [country, currency] = COUNTRIES[i % COUNTRIES.length] as (typeof COUNTRIES)[number];
  const items = Array.from({ length: 1 + (i % 3) }, (_, l) => ({
    line_number: l + 1,
    product_id: `PROD-${String(100 + ((i + l) % 50)).padStart(4, '0')}`,
    product_name: `Product ${(i + l) % 50}`,
    category: CATEGORIES[(i + l) % CATEGORIES.length] as (typeof CATEGORIES)[number],
    quantity: 1 + ((i + l) % 4),
    unit_price: (500 + ((i * 37 + l * 11) % 9000)) / 100,
    discount: l === 0 && i % 5 === 0 ? 1.25 : 0,
  }));
  const itemCents = items.reduce(
    (s, it) => s + it.quantity * Math.round(it.unit_price * 100) - Math.round(it.discount * 100),
    0,
  );
  const totalCents = itemCents + 499 + (i % 700);
  const day = 1 + (i % 28);
  const mm = String(month).padStart(2, '0');
  const dd = String(day).padStart(2, '0');
  return {
    order_id: `ORD-${year}${mm}${dd}-${(0x10000000 + i).toString(16)}`,
    order_timestamp: `${year}-${mm}-${dd}T${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:07Z`,
    status: (['completed', 'completed', 'cancelled', 'returned'] as const)[i % 4] as RawOrder['status'],
    sales_channel: (['online', 'mobile_app', 'store'] as const)[i % 3] as RawOrder['sales_channel'],
    currency,
    customer: {
      customer_id: `CUST-${String(i % 997).padStart(7, '0')}`,
      country,
      segment: 'consumer',
      signup_date: '2024-06-30',
    },
    items,
    payments: [{ payment_id: `PAY-${i}`, method: 'paypal', amount: totalCents / 100, status: 'paid' }],
    shipping_fee: 4.99,
    tax: (i % 700) / 100,
    order_total: totalCents / 100,
  };
}

/** JSON Lines text of some records (objects are serialised, strings kept as they are). */
export const jsonLines = (records: (RawOrder | string)[]): string =>
  `${records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n')}\n`;

/** A temporary lake folder with its store; `cleanup` removes it. */
export async function tempLake(): Promise<{
  root: string;
  store: LocalObjectStore;
  cleanup: () => Promise<void>;
}> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'etl-test-'));
  return {
    root,
    store: new LocalObjectStore(root),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** Fixed processing time for tests: 2025-06-30T00:00:00Z. */
export const TEST_NOW = Date.UTC(2025, 5, 30);

/**
 * `raw` read by the fast parser into `into` (pass the same one to reuse it across orders, as the
 * ETL does); throws when the parser does not accept it.
 */
export function normalized(raw: RawOrder, into = new NormalizedOrder()): NormalizedOrder {
  const buf = Buffer.from(JSON.stringify(raw));
  if (!new FastOrderParser().parse(buf, 0, buf.length, into)) throw new Error(`${raw.order_id} rejected`);
  return into;
}
