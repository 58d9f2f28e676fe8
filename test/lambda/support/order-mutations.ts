import fc from 'fast-check';
import {
  ORDER_STATUSES,
  PAYMENT_METHODS,
  PAYMENT_STATUSES,
  RAW_ORDER_LIMITS,
  SALES_CHANNELS,
  SEGMENTS,
} from '../../../contracts/raw-order.js';
import { originalMonthOrders } from '../../support/original-generator.js';
import { GOLDEN_ORDER, validOrder } from './orders.js';

/**
 * fast-check arbitraries for raw order lines: valid orders bent the ways real files break —
 * per field, values just inside and just outside the contract, equivalent number spellings,
 * missing and extra fields, stray bytes.
 */

const L = RAW_ORDER_LIMITS;
/** The contract's range ends and the values just outside them. */
const edges = (r: { min: number; max: number }, step = 1) => [r.min - step, r.min, r.max, r.max + step];
/** Strings of `unit` at and just outside a length range (in code points). */
const lengths = (r: { min: number; max: number }, unit: string) =>
  [r.min - 1, r.min, r.max, r.max + 1].filter((n) => n >= 0).map((n) => unit.repeat(n));
const MONEY = [...edges(L.money, 0.01), 0.01, -1, 0.005, 149.001, 1e-9, -0, 0.1 + 0.2, '1.00'];
const TIMES = [
  '2025-02-30T10:00:00Z',
  '2025-01-01T24:00:00Z',
  '2025-01-01T00:00:00.5Z',
  '2025-01-01T00:00:00.123Z',
  '2025-01-01T00:00:00.1234Z',
  '2025-01-14 09:31:07Z',
  '2025-01-14T09:31:07+00:00',
  '1999-12-31T23:59:59Z',
  '0001-01-01T00:00:00Z',
];

/** Id candidates: the contract's edges (length, printable ASCII, no quote or backslash). */
const IDS = ['x', 'x'.repeat(64), 'x'.repeat(65), 'a b', '~!#[]', 'a"b', 'a\\b', 'tab\there', 'é', '\u007f'];

/** Candidate values per field path. */
export const FIELDS: [(string | number)[], unknown[]][] = [
  [['order_id'], ['ORD-20250114-3F9A2C1B', 'ord 7', '', ...IDS]],
  [['order_timestamp'], TIMES],
  [['status'], [...ORDER_STATUSES, 'Completed']],
  [['sales_channel'], [...SALES_CHANNELS, 'web']],
  [['currency'], ['USD', 'EUR', 'JPY', 'ZWL', 'usd', 'XXX', 'US', 'USDD', 'U$D']],
  [
    ['customer', 'customer_id'],
    ['CUST-000123', 'CUST-00012345', 'cust-0001234', 'CUST-0000001', ...IDS],
  ],
  [
    ['customer', 'country'],
    ['US', 'UK', 'GB', 'ES', 'JP', 'ZW', 'AD', 'us', 'XX', 'EU', 'USA', 'U'],
  ],
  [
    ['customer', 'segment'],
    [...SEGMENTS, 'retail'],
  ],
  [
    ['customer', 'signup_date'],
    ['2024-02-29', '2023-02-29', '2024-13-01', '2024-1-01', '2024-04-31'],
  ],
  [
    ['items', 0, 'line_number'],
    [...edges(L.lineNumber), 2, 1.5, '1'],
  ],
  [
    ['items', 0, 'product_id'],
    ['PROD-101', 'PROD-01010', 'PROD-9999', 'SKU-8812-BLK', ...IDS],
  ],
  [
    ['items', 0, 'product_name'],
    [
      ...lengths(L.productName, 'x'),
      ...lengths(L.productName, 'é'),
      ...lengths(L.productName, '😀'),
      'a"b\\c',
      '\u0000',
    ],
  ],
  [
    ['items', 0, 'category'],
    [
      'electronics',
      'food',
      'Garden & Patio',
      'garden_patio',
      'a__b',
      '_x_',
      'x1_2',
      'OFFICE',
      'Jardín',
      'a"b',
      '&&&',
      '😀',
      '\u0000',
      ...lengths(L.category, 'x'),
      ...lengths(L.category, 'é'),
    ],
  ],
  [
    ['items', 0, 'quantity'],
    [...edges(L.quantity), 2.5],
  ],
  [['items', 0, 'unit_price'], MONEY],
  [['items', 0, 'discount'], MONEY],
  [
    ['payments', 0, 'payment_id'],
    [...lengths(L.paymentId, 'p'), ...lengths(L.paymentId, 'é')],
  ],
  [
    ['payments', 0, 'method'],
    [...PAYMENT_METHODS, 'cash'],
  ],
  [
    ['payments', 0, 'status'],
    [...PAYMENT_STATUSES, 'pending'],
  ],
  [['payments', 0, 'amount'], MONEY],
  [['shipping_fee'], MONEY],
  [['tax'], MONEY],
  [['order_total'], MONEY],
  [['items'], [[], 'none']],
  [['payments'], [[], null]],
  [['customer'], [null, {}]],
  [['extra_field'], [1, 'x']],
  [['items', 0, 'extra_field'], [1]],
];

/** Equivalent JSON spellings of a number (its value may then differ by float rounding). */
const spellings = (v: number): string[] => [
  `${v}`,
  v.toFixed(2),
  v.toFixed(4),
  `${v * 100}e-2`,
  `${v / 10}E1`,
  `${v}.0`,
];

interface Mutation {
  field: number;
  op: 'set' | 'delete' | 'respell';
  pick: number;
  value: unknown;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  field: fc.nat(FIELDS.length - 1),
  op: fc.constantFrom('set', 'set', 'set', 'delete', 'respell'),
  pick: fc.nat(),
  value: fc.jsonValue({ maxDepth: 1 }),
});

const textEdit = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('insert', 'delete', 'replace', 'space'),
  char: fc.constantFrom(
    ' ',
    '"',
    '\\',
    '{',
    '}',
    '[',
    ']',
    ',',
    ':',
    '0',
    '1',
    '.',
    'e',
    'x',
    '\u00e9',
    '\t',
  ),
});

/** Applies a mutation; returns the (copied) value and, for `respell`, the raw spelling to put in. */
function apply(value: unknown, m: Mutation): { value: unknown; spelling?: string } {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  const [path, candidates] = FIELDS[m.field] as [(string | number)[], unknown[]];
  let parent: Record<string | number, unknown> = copy;
  for (const step of path.slice(0, -1)) {
    const next = parent[step];
    if (!next || typeof next !== 'object') return { value: copy };
    parent = next as Record<string | number, unknown>;
  }
  const last = path[path.length - 1] as string | number;
  if (m.op === 'delete') delete parent[last];
  else if (m.op === 'respell' && typeof parent[last] === 'number') {
    const options = spellings(parent[last] as number);
    parent[last] = '__SPELLING__';
    return { value: copy, spelling: options[m.pick % options.length] };
  } else parent[last] = m.pick % 8 === 0 ? m.value : candidates[m.pick % candidates.length];
  return { value: copy };
}

/** One JSON line: a valid order, or one bent by up to three mutations and two text edits. */
export const orderLine: fc.Arbitrary<string> = fc
  .record({
    base: fc.oneof(
      fc.constant(GOLDEN_ORDER),
      fc.nat(300).map((i) => validOrder(i)),
    ),
    mutations: fc.array(mutation, { maxLength: 3 }),
    edits: fc.array(textEdit, { maxLength: 2 }),
    layout: fc.constantFrom('compact', 'compact', 'spaced'),
  })
  .map(({ base, mutations, edits, layout }) => {
    let value: unknown = base;
    let spelling = '';
    for (const m of mutations) {
      const applied = apply(value, m);
      value = applied.value;
      spelling = applied.spelling ?? spelling;
    }
    let text = JSON.stringify(value, null, layout === 'spaced' ? 1 : undefined).replace(/\n/g, ' ');
    text = text.replace(/"__SPELLING__"/g, spelling || '0');
    for (const e of edits) {
      const at = text.length ? e.at % text.length : 0;
      if (e.op === 'insert') text = text.slice(0, at) + e.char + text.slice(at);
      else if (e.op === 'delete') text = text.slice(0, at) + text.slice(at + 1);
      else if (e.op === 'replace') text = text.slice(0, at) + e.char + text.slice(at + 1);
      else text = `${text.slice(0, at)} ${text.slice(at)}`;
    }
    return text;
  });

/**
 * A valid order with exactly one field set to one of its candidate values (contract edges and
 * near misses), no other damage: each boundary is then probed on its own, so a reader that
 * loosened one rule alone is caught.
 */
export const oneFieldLine: fc.Arbitrary<string> = fc
  .record({
    base: fc.oneof(
      fc.constant(GOLDEN_ORDER),
      fc.nat(300).map((i) => validOrder(i)),
    ),
    field: fc.nat(FIELDS.length - 1),
    pick: fc.nat(),
  })
  .map(({ base, field, pick }) => {
    const candidates = (FIELDS[field] as [unknown, unknown[]])[1];
    const value = candidates[pick % candidates.length];
    // pick 0 makes `apply` set `value` itself.
    return JSON.stringify(apply(base, { field, op: 'set', pick: 0, value }).value);
  });

/** Any line at all: order-like lines, arbitrary JSON, arbitrary text. */
export const anyLine: fc.Arbitrary<string> = fc.oneof(
  orderLine,
  fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
  fc.string({ unit: 'binary', maxLength: 300 }),
);

/** Candidate values of the original format's own fields (contracts/raw-order-original.ts). */
const ORIGINAL_FIELDS: [(string | number)[], unknown[]][] = [
  [
    ['payment', 'method'],
    [...PAYMENT_METHODS, 'cash', 'Paypal'],
  ],
  [
    ['payment', 'amount'],
    [0, 1e9, 'x', -1],
  ],
  [
    ['payment', 'payment_id'],
    ['p', '', 'p'.repeat(65)],
  ],
  [['payment'], [null, 'card', {}]],
  [['payments'], [[]]],
  [['status'], [...ORDER_STATUSES, 'Completed']],
  [
    ['items', 0, 'line_number'],
    [1, 2, 0, 7],
  ],
  [['schema_version'], [1, 2, 3, '1']],
  [['shipping_fee'], [0, 5, -1]],
  [['tax'], [0, 1.5]],
];

/** The original generator's orders (reimplemented), the bases of `originalLine`. */
const ORIGINALS = originalMonthOrders(2025, 1, 200, 7);

/**
 * One JSON line in the original format (test/support/original-generator.ts): an original order,
 * bent by up to two mutations of its own fields or the fields it shares with version 2.
 */
export const originalLine: fc.Arbitrary<string> = fc
  .record({
    base: fc.nat(ORIGINALS.length - 1).map((i) => ORIGINALS[i]),
    mutations: fc.array(
      fc.record({
        own: fc.boolean(),
        field: fc.nat(),
        pick: fc.nat(),
        op: fc.constantFrom('set', 'set', 'set', 'delete'),
      }),
      { maxLength: 2 },
    ),
  })
  .map(({ base, mutations }) => {
    let value: unknown = base;
    for (const m of mutations) {
      const table = m.own ? ORIGINAL_FIELDS : FIELDS;
      const index = m.field % table.length;
      const candidates = (table[index] as [unknown, unknown[]])[1];
      const [path] = table[index] as [(string | number)[], unknown];
      value = applyAt(value, path, m.op === 'delete' ? undefined : candidates[m.pick % candidates.length]);
    }
    return JSON.stringify(value);
  });

/** A copy of `value` with `path` set to `v` (deleted when undefined); unchanged if the path is not there. */
function applyAt(value: unknown, path: (string | number)[], v: unknown): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const step of path.slice(0, -1)) {
    const next = parent[step];
    if (!next || typeof next !== 'object') return copy;
    parent = next as Record<string | number, unknown>;
  }
  const last = path[path.length - 1] as string | number;
  if (v === undefined) delete parent[last];
  else parent[last] = v;
  return copy;
}
