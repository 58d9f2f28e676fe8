import { RAW_ORDER_IDS, RAW_ORDER_KEYS, RAW_ORDER_LIMITS } from '../../contracts/raw-order.js';
import { enumMatcher, fieldIndexes, keyTable } from './byte-literals.js';
import { readCategory } from './category-values.js';
import { readInt, readMoney, readText, type TextRef } from './contract-values.js';
import { compileId, readId } from './id-matcher.js';
import { codeTable, readCode } from './iso-code-values.js';
import { readIsoDay } from './iso-time-values.js';
import type { JsonByteCursor } from './json-byte-cursor.js';
import { ENUM_BYTES, ENUMS, type NormalizedOrder, PAYMENT_PAID } from './normalized-order.js';

/**
 * Readers for the order's nested objects (customer, one item, one payment): each reads the
 * object at the cursor into the `NormalizedOrder`, taking field names, ranges and id shapes
 * from the contract. One loop per object type, no callbacks: this is the ETL's hottest code.
 */

const LBRACE = 0x7b;
const L = RAW_ORDER_LIMITS;

const CUSTOMER = keyTable(RAW_ORDER_KEYS.customer);
const [C_ID, C_COUNTRY, C_SEGMENT] = fieldIndexes(CUSTOMER, [
  'customer_id',
  'country',
  'segment',
  'signup_date',
]);
const ITEM = keyTable(RAW_ORDER_KEYS.item);
const [I_LINE, I_PRODUCT, I_NAME, I_CATEGORY, I_QUANTITY, I_PRICE] = fieldIndexes(ITEM, [
  'line_number',
  'product_id',
  'product_name',
  'category',
  'quantity',
  'unit_price',
  'discount',
]);
const PAYMENT = keyTable(RAW_ORDER_KEYS.payment);
const [P_ID, P_METHOD, P_AMOUNT] = fieldIndexes(PAYMENT, ['payment_id', 'method', 'amount', 'status']);

const CUSTOMER_ID = compileId(RAW_ORDER_IDS.customer);
const PRODUCT_ID = compileId(RAW_ORDER_IDS.product);
const COUNTRY = codeTable(ENUMS.country);
const SEGMENT = enumMatcher(ENUM_BYTES.segment);
const METHOD = enumMatcher(ENUM_BYTES.method);
const PAYMENT_STATUS = enumMatcher(ENUM_BYTES.paymentStatus);

export function readCustomer(c: JsonByteCursor, o: NormalizedOrder): void {
  c.expect(LBRACE, 'customer');
  c.ws();
  let seen = 0;
  let k = -1;
  do {
    k = c.key(CUSTOMER, k + 1, 'customer');
    if (seen & (1 << k)) c.bail('customer: repeated field');
    seen |= 1 << k;
    if (k === C_ID) {
      readId(c, CUSTOMER_ID, 'customer_id');
      o.customerIdStart = c.s0;
      o.customerIdEnd = c.s1;
    } else if (k === C_COUNTRY) o.country = readCode(c, COUNTRY, 'country');
    else if (k === C_SEGMENT) o.segment = c.enumCode(SEGMENT, 'segment');
    else o.signupDay = readIsoDay(c, 'signup_date');
  } while (!c.fieldEnd('customer'));
  if (seen !== CUSTOMER.allSeen) c.bail('customer: missing field');
}

/** Reads item `i`; `name` is scratch for the product name's and category's references. */
export function readItem(c: JsonByteCursor, o: NormalizedOrder, i: number, name: TextRef): void {
  c.expect(LBRACE, 'item');
  c.ws();
  let seen = 0;
  let k = -1;
  do {
    k = c.key(ITEM, k + 1, 'item');
    if (seen & (1 << k)) c.bail('item: repeated field');
    seen |= 1 << k;
    if (k === I_LINE) o.lineNumber[i] = readInt(c, 'line_number', L.lineNumber);
    else if (k === I_PRODUCT) {
      readId(c, PRODUCT_ID, 'product_id');
      o.productIdStart[i] = c.s0;
      o.productIdEnd[i] = c.s1;
    } else if (k === I_NAME) {
      readText(c, 'product_name', L.productName, o, name);
      o.productNameStart[i] = name.start;
      o.productNameEnd[i] = name.end;
    } else if (k === I_CATEGORY) {
      readCategory(c, L.category, o, name);
      o.categoryStart[i] = name.start;
      o.categoryEnd[i] = name.end;
    } else if (k === I_QUANTITY) o.quantity[i] = readInt(c, 'quantity', L.quantity);
    else if (k === I_PRICE) o.unitPriceCents[i] = readMoney(c, 'unit_price');
    else o.discountCents[i] = readMoney(c, 'discount');
  } while (!c.fieldEnd('item'));
  if (seen !== ITEM.allSeen) c.bail('item: missing field');
}

/**
 * Reads one payment into the order's running payment facts (largest payment's method, sum of
 * paid amounts); `id` is scratch for the payment_id, which the ETL does not keep.
 */
export function readPayment(c: JsonByteCursor, o: NormalizedOrder, id: TextRef): void {
  c.expect(LBRACE, 'payment');
  c.ws();
  let seen = 0;
  let k = -1;
  let method = 0;
  let amount = 0;
  let status = 0;
  do {
    k = c.key(PAYMENT, k + 1, 'payment');
    if (seen & (1 << k)) c.bail('payment: repeated field');
    seen |= 1 << k;
    if (k === P_ID) readText(c, 'payment_id', L.paymentId, undefined, id);
    else if (k === P_METHOD) method = c.enumCode(METHOD, 'method');
    else if (k === P_AMOUNT) amount = readMoney(c, 'amount');
    else status = c.enumCode(PAYMENT_STATUS, 'payment status');
  } while (!c.fieldEnd('payment'));
  if (seen !== PAYMENT.allSeen) c.bail('payment: missing field');
  if (amount > o.largestPaymentCents) {
    o.largestPaymentCents = amount;
    o.paymentMethod = method;
  }
  if (status === PAYMENT_PAID) o.paidCents += amount;
}
