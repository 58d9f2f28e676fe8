import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type RawOrder, rawOrderSchema, toCents } from '../../contracts/raw-order.js';
import { oracleFxRateToUsd } from './oracle-fx-rates.js';

/**
 * The metrics oracle's input: the orders the ETL loads, read straight from the raw JSON files
 * (never from the Parquet) and converted to USD cents exactly as the contract says.
 */

/**
 * USD per unit of `currency` for a UTC month, six decimals (by default the oracle's own literal
 * table); undefined where there is no rate (the ETL quarantines such orders as fx_rate_missing).
 */
export type FxRateToUsd = (currency: string, year: number, month: number) => number | undefined;

/** One valid order reduced to what the metrics need. */
export interface OracleOrder {
  orderId: string;
  /** First day of the order's UTC month, `2025-01-01`. */
  month: string;
  completed: boolean;
  customerId: string;
  country: string;
  /** The order's UTC date, `YYYY-MM-DD`. */
  date: string;
  /** The raw object key it was loaded from (`raw/store_sales/orders_2025_01.json`). */
  sourceFile: string;
  /** The customer's signup date, `YYYY-MM-DD`. */
  signupDate: string;
  /** The order's sales channel and the customer's segment (the dashboard's filters). */
  channel: string;
  segment: string;
  usdCents: bigint;
  units: number;
  lines: { category: string; quantity: number; usdCents: bigint }[];
}

/** |n| for BigInt. */
export const abs = (n: bigint): bigint => (n < 0n ? -n : n);

/** n / d rounded half away from zero (d > 0): exact ROUND for money and ratios. */
export const roundDiv = (n: bigint, d: bigint): bigint => {
  const q = (2n * abs(n) + d) / (2n * d);
  return n < 0n ? -q : q;
};

const MIN_ORDER_MS = Date.parse('2000-01-01T00:00:00Z');
const DAY_MS = 86_400_000;

/** A raw order and the raw object key of the file it came from. */
export type SourcedRawOrder = RawOrder & { source_key: string };

/**
 * Every order of the raw files under `<lake>/raw/store_sales/` (JSON Lines, or one JSON array)
 * that the ETL loads: it satisfies the raw contract, its timestamp lies between 2000-01-01 and
 * a day after now, and its order_id did not already occur earlier in the same file.
 */
export async function readValidRawOrders(lake: string): Promise<SourcedRawOrder[]> {
  const dir = path.join(lake, 'raw', 'store_sales');
  const files = (await readdir(dir))
    .filter((f) => /\.(json|jsonl|ndjson)$/.test(f) && !f.startsWith('.'))
    .sort();
  const latest = Date.now() + DAY_MS;
  const orders: SourcedRawOrder[] = [];
  for (const file of files) {
    const text = (await readFile(path.join(dir, file), 'utf8')).replace(/^\uFEFF/, '');
    const records: unknown[] = text.trimStart().startsWith('[')
      ? JSON.parse(text)
      : text.split('\n').flatMap(parseLine);
    const ids = new Set<string>();
    for (const record of records) {
      const parsed = rawOrderSchema.safeParse(record);
      if (!parsed.success || ids.has(parsed.data.order_id)) continue;
      const at = Date.parse(parsed.data.order_timestamp);
      if (at < MIN_ORDER_MS || at > latest) continue;
      ids.add(parsed.data.order_id);
      orders.push({ ...parsed.data, source_key: `raw/store_sales/${file}` });
    }
  }
  return orders;
}

/** One JSON Lines record, or none for a blank or unparsable line. */
function parseLine(line: string): unknown[] {
  if (!line.trim()) return [];
  try {
    return [JSON.parse(line)];
  } catch {
    return [];
  }
}

/** Converts raw orders to USD cents the contract's way: round_half_up(cents x micro-rate / 1e6). */
export function toOracleOrders(
  raw: SourcedRawOrder[],
  fxRateToUsd: FxRateToUsd = oracleFxRateToUsd,
): OracleOrder[] {
  return raw.map((o) => {
    const month = `${o.order_timestamp.slice(0, 7)}-01`;
    const micro = BigInt(
      Math.round(
        (fxRateToUsd(o.currency, Number(month.slice(0, 4)), Number(month.slice(5, 7))) ?? Number.NaN) * 1e6,
      ),
    );
    const usd = (cents: number) => roundDiv(BigInt(cents) * micro, 1_000_000n);
    return {
      orderId: o.order_id,
      month,
      date: o.order_timestamp.slice(0, 10),
      sourceFile: o.source_key,
      completed: o.status === 'completed',
      customerId: o.customer.customer_id,
      country: o.customer.country,
      signupDate: o.customer.signup_date,
      channel: o.sales_channel,
      segment: o.customer.segment,
      usdCents: usd(toCents(o.order_total)),
      units: o.items.reduce((n, i) => n + i.quantity, 0),
      lines: o.items.map((i) => ({
        category: i.category,
        quantity: i.quantity,
        usdCents: usd(i.quantity * toCents(i.unit_price) - toCents(i.discount)),
      })),
    };
  });
}

/** The valid orders of a lake's raw files, converted with the oracle's literal rate table. */
export const oracleOrdersFromLake = async (lake: string): Promise<OracleOrder[]> =>
  toOracleOrders(await readValidRawOrders(lake));
