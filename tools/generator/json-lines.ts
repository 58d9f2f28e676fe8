import type { RawOrder } from '../../contracts/raw-order.js';

/**
 * Money as JSON text with exactly two decimals (`149.00`), as the generator writes it;
 * `JSON.parse` reads the same number. Negative, non-finite or sub-cent values (never in a valid
 * order) fall back to `JSON.stringify` so the text stays faithful.
 */
export function moneyText(value: number): string {
  const cents = Math.round(value * 100);
  if (!(cents >= 0 && cents <= Number.MAX_SAFE_INTEGER) || cents / 100 !== value)
    return JSON.stringify(value);
  const frac = cents % 100;
  return `${(cents - frac) / 100}.${frac < 10 ? '0' : ''}${frac}`;
}

const q = JSON.stringify;

/**
 * One order as a JSON Lines record (with the trailing `\n`): keys in contract order, money with
 * two decimals, every string escaped, so any order (even one that breaks the contract, for
 * quarantine tests) is written faithfully; `JSON.parse` of the line deep-equals the order.
 * For generated orders it gives the same bytes as the generator's own files.
 */
export function orderToJsonLine(o: RawOrder): string {
  const c = o.customer;
  let items = '';
  for (const i of o.items) {
    items += `${items ? ',' : ''}{"line_number":${i.line_number},"product_id":${q(i.product_id)},"product_name":${q(i.product_name)},"category":${q(i.category)},"quantity":${i.quantity},"unit_price":${moneyText(i.unit_price)},"discount":${moneyText(i.discount)}}`;
  }
  let payments = '';
  for (const p of o.payments) {
    payments += `${payments ? ',' : ''}{"payment_id":${q(p.payment_id)},"method":${q(p.method)},"amount":${moneyText(p.amount)},"status":${q(p.status)}}`;
  }
  return `{"order_id":${q(o.order_id)},"order_timestamp":${q(o.order_timestamp)},"status":${q(o.status)},"sales_channel":${q(o.sales_channel)},"currency":${q(o.currency)},"customer":{"customer_id":${q(c.customer_id)},"country":${q(c.country)},"segment":${q(c.segment)},"signup_date":${q(c.signup_date)}},"items":[${items}],"payments":[${payments}],"shipping_fee":${moneyText(o.shipping_fee)},"tax":${moneyText(o.tax)},"order_total":${moneyText(o.order_total)}}\n`;
}
