import { ContractCursor } from './contract-cursor.js';
import { BAIL, enumMatcher, keyLiterals } from './json-byte-cursor.js';
import {
  COUNTRY_CURRENCY_CODE,
  ENUM_BYTES,
  MAX_ITEMS,
  MAX_PAYMENTS,
  type NormalizedOrder,
  PAYMENT_PAID,
  STATUS_COMPLETED,
} from './normalized-order.js';

const keys = (...names: string[]): Buffer[] => names.map((n) => Buffer.from(n));
/** Field names in the contract's order (the order the fast path tries first). */
const ORDER_KEYS = keys(
  'order_id',
  'order_timestamp',
  'status',
  'sales_channel',
  'currency',
  'customer',
  'items',
  'payments',
  'shipping_fee',
  'tax',
  'order_total',
);
const CUSTOMER_KEYS = keys('customer_id', 'country', 'segment', 'signup_date');
const ITEM_KEYS = keys(
  'line_number',
  'product_id',
  'product_name',
  'category',
  'quantity',
  'unit_price',
  'discount',
);
const PAYMENT_KEYS = keys('payment_id', 'method', 'amount', 'status');
const ORDER_LITS = keyLiterals(ORDER_KEYS);
const CUSTOMER_LITS = keyLiterals(CUSTOMER_KEYS);
const ITEM_LITS = keyLiterals(ITEM_KEYS);
const PAYMENT_LITS = keyLiterals(PAYMENT_KEYS);
const E = {
  status: enumMatcher(ENUM_BYTES.status),
  channel: enumMatcher(ENUM_BYTES.channel),
  currency: enumMatcher(ENUM_BYTES.currency),
  country: enumMatcher(ENUM_BYTES.country),
  segment: enumMatcher(ENUM_BYTES.segment),
  category: enumMatcher(ENUM_BYTES.category),
  method: enumMatcher(ENUM_BYTES.method),
  paymentStatus: enumMatcher(ENUM_BYTES.paymentStatus),
};

const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COMMA = 0x2c;

/**
 * Parses one raw order straight from its bytes into a `NormalizedOrder`, checking the whole
 * raw contract on the way (fields, formats, enums, ranges, money sums). Returns false when the
 * record needs the full path; a record it accepts is one zod accepts too, which a property
 * test checks. Added to zod's rules: timestamps and dates must be on the calendar.
 * Each object type has its own loop (no callbacks): this is the ETL's hottest code.
 */
export class FastOrderParser extends ContractCursor {
  private o!: NormalizedOrder;
  private readonly lineSeen = new Uint32Array(1001);
  private generation = 0;

  parse(buf: Buffer, start: number, end: number, out: NormalizedOrder): boolean {
    this.begin(buf, start, end);
    this.o = out;
    out.reset(buf);
    try {
      this.ws();
      this.order();
      this.ws();
      if (this.p !== this.end) this.bail('content after the order');
      this.crossChecks();
      return true;
    } catch (err) {
      if (err === BAIL) return false;
      throw err;
    }
  }

  /** After a field's value: true at `}` (object done), false at `,` (another field follows). */
  private fieldEnd(where: string): boolean {
    this.ws();
    const c = this.next();
    if (c === RBRACE) return true;
    if (c !== COMMA) this.bail(`${where}: expected ',' or '}'`);
    this.ws();
    return false;
  }

  /** After an element: true at `]`, false at `,`. */
  private elementEnd(where: string): boolean {
    this.ws();
    const c = this.next();
    if (c === RBRACKET) return true;
    if (c !== COMMA) this.bail(`${where}: expected ',' or ']'`);
    this.ws();
    return false;
  }

  /** Opens an array and bails when it is empty. */
  private openArray(where: string): void {
    this.expect(LBRACKET, where);
    this.ws();
    if (this.peek() === RBRACKET) this.bail(`${where}: empty`);
  }

  private order(): void {
    const o = this.o;
    this.expect(LBRACE, 'order');
    this.ws();
    let seen = 0;
    let k = -1;
    do {
      k = this.key(ORDER_KEYS, ORDER_LITS, k + 1, 'order');
      if (seen & (1 << k)) this.bail('order: repeated field');
      seen |= 1 << k;
      if (k === 0) this.orderId();
      else if (k === 1) {
        o.timestampMs = this.isoTimestamp('order_timestamp');
        o.year = this.tsYear;
        o.month = this.tsMonth;
        o.day = this.tsDay;
      } else if (k === 2) o.status = this.enumCode(E.status, 'status');
      else if (k === 3) o.channel = this.enumCode(E.channel, 'sales_channel');
      else if (k === 4) o.currency = this.enumCode(E.currency, 'currency');
      else if (k === 5) this.customer();
      else if (k === 6) this.items();
      else if (k === 7) this.payments();
      else if (k === 8) o.shippingCents = this.money('shipping_fee');
      else if (k === 9) o.taxCents = this.money('tax');
      else o.totalCents = this.money('order_total');
    } while (!this.fieldEnd('order'));
    if (seen !== 0x7ff) this.bail('order: missing field');
  }

  /** `ORD-<8 digits>-<8 lowercase hex>`, kept as bytes plus its two numbers (for duplicate checks). */
  private orderId(): void {
    const o = this.o;
    this.strOfLength('order_id', 21);
    const { buf, s0 } = this;
    const shape =
      !this.escaped &&
      this.s1 - s0 === 21 &&
      buf[s0] === 0x4f &&
      buf[s0 + 1] === 0x52 &&
      buf[s0 + 2] === 0x44 &&
      buf[s0 + 3] === 0x2d &&
      buf[s0 + 12] === 0x2d;
    const digits = shape ? this.digits(s0 + 4, 8) : -1;
    let hex = 0;
    for (let i = s0 + 13; i < s0 + 21 && hex >= 0; i++) {
      const b = buf[i] as number;
      const v = b >= 0x30 && b <= 0x39 ? b - 0x30 : b >= 0x61 && b <= 0x66 ? b - 0x57 : -1;
      hex = v < 0 ? -1 : hex * 16 + v;
    }
    if (digits < 0 || hex < 0) this.bail('order_id: bad format');
    o.orderIdStart = s0;
    o.orderIdEnd = this.s1;
    o.orderIdDigits = digits;
    o.orderIdHex = hex;
  }

  private customer(): void {
    const o = this.o;
    this.expect(LBRACE, 'customer');
    this.ws();
    let seen = 0;
    let k = -1;
    do {
      k = this.key(CUSTOMER_KEYS, CUSTOMER_LITS, k + 1, 'customer');
      if (seen & (1 << k)) this.bail('customer: repeated field');
      seen |= 1 << k;
      if (k === 0) {
        this.strOfLength('customer_id', 12);
        if (!this.matches('CUST-', 7, '', 0)) this.bail('customer_id: bad format');
        o.customerIdStart = this.s0;
        o.customerIdEnd = this.s1;
      } else if (k === 1) o.country = this.enumCode(E.country, 'country');
      else if (k === 2) o.segment = this.enumCode(E.segment, 'segment');
      else o.signupDay = this.isoDay('signup_date');
    } while (!this.fieldEnd('customer'));
    if (seen !== 0xf) this.bail('customer: missing field');
  }

  private items(): void {
    const o = this.o;
    this.openArray('items');
    let i = 0;
    do {
      if (i === MAX_ITEMS) this.bail('items: too many');
      this.item(i++);
    } while (!this.elementEnd('items'));
    o.itemCount = i;
  }

  private item(i: number): void {
    const o = this.o;
    this.expect(LBRACE, 'item');
    this.ws();
    let seen = 0;
    let k = -1;
    do {
      k = this.key(ITEM_KEYS, ITEM_LITS, k + 1, 'item');
      if (seen & (1 << k)) this.bail('item: repeated field');
      seen |= 1 << k;
      if (k === 0) o.lineNumber[i] = this.int('line_number', 1, 1000);
      else if (k === 1) {
        this.strOfLength('product_id', 9);
        if (!this.matches('PROD-', 4, '', 0)) this.bail('product_id: bad format');
        o.productIdStart[i] = this.s0;
        o.productIdEnd[i] = this.s1;
      } else if (k === 2) {
        this.text('product_name', 200, o);
        o.productNameStart[i] = this.t0;
        o.productNameEnd[i] = this.t1;
      } else if (k === 3) o.category[i] = this.enumCode(E.category, 'category');
      else if (k === 4) o.quantity[i] = this.int('quantity', 1, 1000);
      else if (k === 5) o.unitPriceCents[i] = this.money('unit_price');
      else o.discountCents[i] = this.money('discount');
    } while (!this.fieldEnd('item'));
    if (seen !== 0x7f) this.bail('item: missing field');
  }

  private payments(): void {
    const o = this.o;
    this.openArray('payments');
    let n = 0;
    do {
      if (n === MAX_PAYMENTS) this.bail('payments: too many');
      this.payment();
      n++;
    } while (!this.elementEnd('payments'));
    o.paymentCount = n;
  }

  private payment(): void {
    const o = this.o;
    this.expect(LBRACE, 'payment');
    this.ws();
    let seen = 0;
    let k = -1;
    let method = 0;
    let amount = 0;
    let status = 0;
    do {
      k = this.key(PAYMENT_KEYS, PAYMENT_LITS, k + 1, 'payment');
      if (seen & (1 << k)) this.bail('payment: repeated field');
      seen |= 1 << k;
      if (k === 0) this.text('payment_id', 64, undefined);
      else if (k === 1) method = this.enumCode(E.method, 'method');
      else if (k === 2) amount = this.money('amount');
      else status = this.enumCode(E.paymentStatus, 'payment status');
    } while (!this.fieldEnd('payment'));
    if (seen !== 0xf) this.bail('payment: missing field');
    if (amount > o.largestPaymentCents) {
      o.largestPaymentCents = amount;
      o.paymentMethod = method;
    }
    if (status === PAYMENT_PAID) o.paidCents += amount;
  }

  /** The contract's cross-field rules (the schema's superRefine), in integer cents. */
  private crossChecks(): void {
    const o = this.o;
    if (COUNTRY_CURRENCY_CODE[o.country] !== o.currency) this.bail('currency does not match country');
    if (++this.generation === 0xffff_ffff) {
      this.lineSeen.fill(0);
      this.generation = 1;
    }
    let cents = o.shippingCents + o.taxCents;
    for (let i = 0; i < o.itemCount; i++) {
      const line = o.lineNumber[i] as number;
      if (this.lineSeen[line] === this.generation) this.bail('items repeat a line_number');
      this.lineSeen[line] = this.generation;
      const gross = (o.quantity[i] as number) * (o.unitPriceCents[i] as number);
      const discount = o.discountCents[i] as number;
      if (discount > gross) this.bail('discount exceeds price');
      cents += gross - discount;
    }
    if (cents !== o.totalCents) this.bail('order_total does not add up');
    if (o.status === STATUS_COMPLETED && o.paidCents !== o.totalCents) this.bail('payments do not add up');
  }
}
