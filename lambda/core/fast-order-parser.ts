import { RAW_ORDER_IDS, RAW_ORDER_KEYS, RAW_ORDER_LIMITS } from '../../contracts/raw-order.js';
import { enumMatcher, fieldIndexes, keyTable } from './byte-literals.js';
import { readMoney, type TextRef } from './contract-values.js';
import { compileId, readId } from './id-matcher.js';
import { codeTable, readCode } from './iso-code-values.js';
import { readIsoTimestamp } from './iso-time-values.js';
import { BAIL, JsonByteCursor } from './json-byte-cursor.js';
import { ENUM_BYTES, ENUMS, type NormalizedOrder, STATUS_COMPLETED } from './normalized-order.js';
import { readCustomer, readItem, readPayment } from './order-object-readers.js';

const ORDER = keyTable(RAW_ORDER_KEYS.order);
const [O_ID, O_TIME, O_STATUS, O_CHANNEL, O_CURRENCY, O_CUSTOMER, O_ITEMS, O_PAYMENTS, O_SHIPPING, O_TAX] =
  fieldIndexes(ORDER, [
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
  ]);
const ORDER_ID = compileId(RAW_ORDER_IDS.order);
const STATUS = enumMatcher(ENUM_BYTES.status);
const CHANNEL = enumMatcher(ENUM_BYTES.channel);
const CURRENCY = codeTable(ENUMS.currency);
const { items: ITEMS, payments: PAYMENTS, lineNumber: LINE_NUMBER } = RAW_ORDER_LIMITS;

const LBRACE = 0x7b;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

/**
 * Parses one raw order straight from its bytes into a `NormalizedOrder`, checking the whole
 * raw contract on the way (fields, formats, enums, ranges, money sums). Returns false when the
 * record needs the full path; a record it accepts is one zod accepts too, which a property
 * test checks. Added to zod's rules: timestamps and dates must be on the calendar.
 * Field names, ranges and id shapes come from the contract; the nested objects are read by
 * `order-object-readers.ts`, all through one reused `JsonByteCursor`.
 */
export class FastOrderParser {
  private readonly c = new JsonByteCursor();
  private readonly text: TextRef = { start: 0, end: 0 };
  /** Per line number, the generation (record) that last used it: duplicates without clearing. */
  private readonly lineSeen = new Uint32Array(LINE_NUMBER.max + 1);
  private generation = 0;

  /** Why the last record left the fast path (a quarantine message when nothing else explains it). */
  get bailReason(): string {
    return this.c.bailReason;
  }

  parse(buf: Buffer, start: number, end: number, out: NormalizedOrder): boolean {
    const c = this.c;
    c.begin(buf, start, end);
    out.reset(buf);
    try {
      c.ws();
      this.order(out);
      c.ws();
      if (c.p !== c.end) c.bail('content after the order');
      this.crossChecks(out);
      return true;
    } catch (err) {
      if (err === BAIL) return false;
      throw err;
    }
  }

  private order(o: NormalizedOrder): void {
    const c = this.c;
    c.expect(LBRACE, 'order');
    c.ws();
    let seen = 0;
    let k = -1;
    do {
      k = c.key(ORDER, k + 1, 'order');
      if (seen & (1 << k)) c.bail('order: repeated field');
      seen |= 1 << k;
      if (k === O_ID) {
        readId(c, ORDER_ID, 'order_id');
        o.orderIdStart = c.s0;
        o.orderIdEnd = c.s1;
      } else if (k === O_TIME) readIsoTimestamp(c, 'order_timestamp', o);
      else if (k === O_STATUS) o.status = c.enumCode(STATUS, 'status');
      else if (k === O_CHANNEL) o.channel = c.enumCode(CHANNEL, 'sales_channel');
      else if (k === O_CURRENCY) o.currency = readCode(c, CURRENCY, 'currency');
      else if (k === O_CUSTOMER) readCustomer(c, o);
      else if (k === O_ITEMS) this.items(o);
      else if (k === O_PAYMENTS) this.payments(o);
      else if (k === O_SHIPPING) o.shippingCents = readMoney(c, 'shipping_fee');
      else if (k === O_TAX) o.taxCents = readMoney(c, 'tax');
      else o.totalCents = readMoney(c, 'order_total');
    } while (!c.fieldEnd('order'));
    if (seen !== ORDER.allSeen) c.bail('order: missing field');
  }

  private items(o: NormalizedOrder): void {
    const c = this.c;
    let n = 0;
    if (this.openArray('items')) {
      do {
        if (n === ITEMS.max) c.bail('items: too many');
        readItem(c, o, n++, this.text);
      } while (!c.elementEnd('items'));
    }
    if (n < ITEMS.min) c.bail('items: too few');
    o.itemCount = n;
  }

  private payments(o: NormalizedOrder): void {
    const c = this.c;
    let n = 0;
    if (this.openArray('payments')) {
      do {
        if (n === PAYMENTS.max) c.bail('payments: too many');
        readPayment(c, o, this.text);
        n++;
      } while (!c.elementEnd('payments'));
    }
    if (n < PAYMENTS.min) c.bail('payments: too few');
    o.paymentCount = n;
  }

  /** Opens an array: true when an element follows, false when it was `[]` (now read). */
  private openArray(where: string): boolean {
    const c = this.c;
    c.expect(LBRACKET, where);
    c.ws();
    if (c.peek() !== RBRACKET) return true;
    c.next();
    return false;
  }

  /** The contract's cross-field rules (the schema's superRefine), in integer cents. */
  private crossChecks(o: NormalizedOrder): void {
    const c = this.c;
    if (++this.generation === 0xffff_ffff) {
      this.lineSeen.fill(0);
      this.generation = 1;
    }
    let cents = o.shippingCents + o.taxCents;
    for (let i = 0; i < o.itemCount; i++) {
      const line = o.lineNumber[i] as number;
      if (this.lineSeen[line] === this.generation) c.bail('items repeat a line_number');
      this.lineSeen[line] = this.generation;
      const gross = (o.quantity[i] as number) * (o.unitPriceCents[i] as number);
      const discount = o.discountCents[i] as number;
      if (discount > gross) c.bail('discount exceeds price');
      cents += gross - discount;
    }
    if (cents !== o.totalCents) c.bail('order_total does not add up');
    if (o.status === STATUS_COMPLETED && o.paidCents !== o.totalCents) c.bail('payments do not add up');
  }
}
