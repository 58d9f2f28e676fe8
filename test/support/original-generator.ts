import { seededRandom } from './seeded-random.js';

/**
 * A reimplementation of the original project's order generator (its notebook), by its rules, for
 * the original-format tests: one JSON array per month (pretty-printed, as `json.dump(..., indent=2)`
 * writes it), 1–5 items per order, products `PROD-101`… in `electronics`, `accessories`,
 * `furniture`, `office_supplies`, ISO timestamps with `Z`, customers `CUST-<5 digits>`, one
 * `payment` object (`credit_card` / `debit_card` / `paypal` / `wallet`), USD for every country, and
 * no `status`, `line_number`, `shipping_fee` or `tax`. Seeded: the same files every run.
 */

const PRODUCTS: readonly { id: string; name: string; category: string; price: number }[] = [
  ['Laptop', 'electronics', 899.99],
  ['Smartphone', 'electronics', 649.5],
  ['Tablet', 'electronics', 329],
  ['Monitor', 'electronics', 189.99],
  ['Headphones', 'electronics', 79.95],
  ['Mouse', 'accessories', 24.99],
  ['Keyboard', 'accessories', 49.99],
  ['USB-C Cable', 'accessories', 9.99],
  ['Laptop Bag', 'accessories', 39.5],
  ['Webcam', 'accessories', 59],
  ['Office Chair', 'furniture', 249.99],
  ['Standing Desk', 'furniture', 499],
  ['Bookshelf', 'furniture', 129.95],
  ['Desk Lamp', 'furniture', 34.99],
  ['Notebook', 'office_supplies', 4.99],
  ['Pen Set', 'office_supplies', 12.5],
  ['Stapler', 'office_supplies', 8.75],
  ['Printer Paper', 'office_supplies', 6.49],
].map(([name, category, price], i) => ({
  id: `PROD-${101 + i}`,
  name: name as string,
  category: category as string,
  price: price as number,
}));

const COUNTRIES = ['US', 'UK', 'CA', 'DE', 'FR', 'AU', 'IN'] as const;
const CHANNELS = ['online', 'mobile_app', 'store'] as const;
const SEGMENTS = ['consumer', 'small_business', 'corporate'] as const;
const METHODS = ['credit_card', 'debit_card', 'paypal', 'wallet'] as const;
/** Orders per month of the notebook's run for Jan–Feb 2025: 1,180 in all. */
export const ORIGINAL_MONTHS = [
  { year: 2025, month: 1, orders: 600 },
  { year: 2025, month: 2, orders: 580 },
] as const;
export const ORIGINAL_ORDER_COUNT = ORIGINAL_MONTHS.reduce((n, m) => n + m.orders, 0);

export interface OriginalOrderRecord {
  order_id: string;
  order_timestamp: string;
  sales_channel: string;
  currency: string;
  customer: { customer_id: string; country: string; segment: string; signup_date: string };
  items: {
    product_id: string;
    product_name: string;
    category: string;
    quantity: number;
    unit_price: number;
    discount: number;
  }[];
  payment: { payment_id: string; method: string };
  order_total: number;
}

/** The orders of one month, as the original generator makes them. */
export function originalMonthOrders(
  year: number,
  month: number,
  count: number,
  seed = 2025,
): OriginalOrderRecord[] {
  const random = seededRandom(seed * 100 + month);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const start = Date.UTC(year, month - 1, 1);
  const span = Date.UTC(year, month, 1) - start;
  const orders: OriginalOrderRecord[] = [];
  for (let n = 0; n < count; n++) {
    const at = new Date(start + Math.floor((random() * span) / 1000) * 1000);
    const customerNo = 10000 + Math.floor(random() * 500);
    const signup = new Date(Date.UTC(2023, 0, 1) + Math.floor(random() * 700) * 86_400_000);
    let totalCents = 0;
    const items = Array.from({ length: 1 + Math.floor(random() * 5) }, () => {
      const p = pick(PRODUCTS);
      const quantity = 1 + Math.floor(random() * 3);
      const gross = quantity * Math.round(p.price * 100);
      // A tenth of the lines carry a 5–15 % discount, in whole cents.
      const discountCents = random() < 0.1 ? Math.round((gross * (5 + Math.floor(random() * 11))) / 100) : 0;
      totalCents += gross - discountCents;
      return {
        product_id: p.id,
        product_name: p.name,
        category: p.category,
        quantity,
        unit_price: p.price,
        discount: discountCents / 100,
      };
    });
    orders.push({
      order_id: `ORD-${year}${String(month).padStart(2, '0')}-${String(n + 1).padStart(5, '0')}`,
      order_timestamp: at.toISOString().replace('.000Z', 'Z'),
      sales_channel: pick(CHANNELS),
      currency: 'USD',
      customer: {
        customer_id: `CUST-${customerNo}`,
        country: COUNTRIES[customerNo % COUNTRIES.length] as string,
        segment: pick(SEGMENTS),
        signup_date: signup.toISOString().slice(0, 10),
      },
      items,
      payment: {
        payment_id: `PAY-${String(month).padStart(2, '0')}${String(n + 1).padStart(5, '0')}`,
        method: pick(METHODS),
      },
      order_total: totalCents / 100,
    });
  }
  return orders;
}

/** The month files, `orders_YYYY_MM.json` → its text (a pretty-printed JSON array). */
export function originalGeneratorFiles(seed = 2025): Map<string, string> {
  const files = new Map<string, string>();
  for (const { year, month, orders } of ORIGINAL_MONTHS) {
    const name = `orders_${year}_${String(month).padStart(2, '0')}.json`;
    files.set(name, JSON.stringify(originalMonthOrders(year, month, orders, seed), null, 2));
  }
  return files;
}
