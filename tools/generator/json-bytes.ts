import {
  ORDER_STATUSES,
  PAYMENT_METHODS,
  PAYMENT_STATUSES,
  SALES_CHANNELS,
  SEGMENTS,
} from '../../contracts/raw-order.js';
import type { ByteSink } from './byte-sink.js';
import { isoDate } from './calendar.js';
import { COUNTRIES, CURRENCIES } from './markets.js';
import { MAX_LINES, MAX_PAYMENTS, type OrderDraft } from './order-draft.js';
import { PRODUCTS } from './product-catalog.js';

/**
 * Writes drafts as JSON Lines straight into a byte buffer: constant text is pre-encoded, numbers
 * are written digit by digit, so a line costs no string and no garbage. This is what keeps the
 * generator above 150,000 orders/s; `draftToOrder` + `JSON.stringify` give the same JSON values
 * (tests compare them line by line). All generated text is ASCII.
 */
const ascii = (s: string): Uint8Array => {
  if (!/^[\x20-\x7e\n]*$/.test(s)) throw new Error(`generator text must be printable ASCII: ${s}`);
  return Uint8Array.from(s, (ch) => ch.charCodeAt(0));
};
const q = JSON.stringify; // catalog and enum text, escaped once here rather than trusted
const table = (values: readonly string[], before: string, after: string): Uint8Array[] =>
  values.map((v) => ascii(`${before}${q(v)}${after}`));

/** `Z","status":…,"sales_channel":…,"currency":…,"customer":{"customer_id":"CUST-` by [status][channel][currency]. */
const HEAD = ORDER_STATUSES.map((s) =>
  SALES_CHANNELS.map((ch) =>
    CURRENCIES.map((c) =>
      ascii(
        `Z","status":${q(s)},"sales_channel":${q(ch)},"currency":${q(c)},"customer":{"customer_id":"CUST-`,
      ),
    ),
  ),
);
/** `","country":…,"segment":…,"signup_date":"` by [country][segment]. */
const TRAITS = COUNTRIES.map((c) =>
  SEGMENTS.map((s) => ascii(`","country":${q(c)},"segment":${q(s)},"signup_date":"`)),
);
/** `{"line_number":N` for the first line, `,{"line_number":N` after it. */
const LINE = Array.from({ length: MAX_LINES }, (_, i) => ascii(`${i ? ',' : ''}{"line_number":${i + 1}`));
const PRODUCT = PRODUCTS.map((p) =>
  ascii(`,"product_id":${q(p.id)},"product_name":${q(p.name)},"category":${q(p.category)},"quantity":`),
);
const UNIT_PRICE = ascii(',"unit_price":');
const DISCOUNT = ascii(',"discount":');
const PAYMENTS = ascii('],"payments":[');
/** `-N","method":"M","amount":` by payment number and method. */
const METHOD = Array.from({ length: MAX_PAYMENTS }, (_, i) =>
  table(PAYMENT_METHODS, `-${i + 1}","method":`, ',"amount":'),
);
const PAY_STATUS = table(PAYMENT_STATUSES, ',"status":', '}');
const SHIPPING = ascii('],"shipping_fee":');
const TAX = ascii(',"tax":');
const TOTAL = ascii(',"order_total":');
const END = ascii('}\n');

/** Text that depends only on the order's day, encoded once per day. */
interface DayText {
  orderId: Uint8Array;
  timestamp: Uint8Array;
  /** `{"payment_id":"PAY-YYYYMMDD-` for the first payment, with a leading ',' for the others. */
  paymentId: readonly [Uint8Array, Uint8Array];
}
const dayTexts = new Map<number, DayText>();
function dayText(day: number): DayText {
  let t = dayTexts.get(day);
  if (!t) {
    const date = isoDate(day);
    const compact = date.replaceAll('-', '');
    t = {
      orderId: ascii(`{"order_id":"ORD-${compact}-`),
      timestamp: ascii(`","order_timestamp":"${date}T`),
      paymentId: [ascii(`{"payment_id":"PAY-${compact}-`), ascii(`,{"payment_id":"PAY-${compact}-`)],
    };
    dayTexts.set(day, t);
  }
  return t;
}
/** `YYYY-MM-DD"},"items":[` by signup day. */
const signupTexts = new Map<number, Uint8Array>();
function signupText(day: number): Uint8Array {
  let t = signupTexts.get(day);
  if (!t) {
    t = ascii(`${isoDate(day)}"},"items":[`);
    signupTexts.set(day, t);
  }
  return t;
}

/** One draft as a JSON Lines record, keys in contract order, money with two decimals. */
export function writeDraftJson(sink: ByteSink, d: OrderDraft): void {
  const c = d.customer;
  const day = dayText(d.day.day);
  sink.bytes(day.orderId);
  sink.hex8(d.idHex);
  sink.bytes(day.timestamp);
  const hour = (d.second / 3600) | 0;
  const minute = ((d.second / 60) | 0) - hour * 60;
  sink.int(hour, 2);
  sink.char(58); // ':'
  sink.int(minute, 2);
  sink.char(58);
  sink.int(d.second % 60, 2);
  sink.bytes(((HEAD[d.status] as Uint8Array[][])[d.channel] as Uint8Array[])[c.currency] as Uint8Array);
  sink.int(c.number, 7);
  sink.bytes((TRAITS[c.country] as Uint8Array[])[c.segment] as Uint8Array);
  sink.bytes(signupText(c.signupDay));
  for (let i = 0; i < d.lines; i++) {
    sink.bytes(LINE[i] as Uint8Array);
    sink.bytes(PRODUCT[d.product[i] as number] as Uint8Array);
    sink.int(d.quantity[i] as number);
    sink.bytes(UNIT_PRICE);
    sink.money(d.unitPrice(i));
    sink.bytes(DISCOUNT);
    sink.money(d.discount[i] as number);
    sink.char(125); // '}'
  }
  sink.bytes(PAYMENTS);
  for (let i = 0; i < d.payments; i++) {
    sink.bytes(day.paymentId[i ? 1 : 0]);
    sink.hex8(d.idHex);
    sink.bytes((METHOD[i] as Uint8Array[])[d.payMethod[i] as number] as Uint8Array);
    sink.money(d.payAmount[i] as number);
    sink.bytes(PAY_STATUS[d.payStatus[i] as number] as Uint8Array);
  }
  sink.bytes(SHIPPING);
  sink.money(d.shipping);
  sink.bytes(TAX);
  sink.money(d.tax);
  sink.bytes(TOTAL);
  sink.money(d.total);
  sink.bytes(END);
}
