import { describe, expect, it } from 'vitest';
import { charRanges, digits, idRegExp, lowerHex } from '../../contracts/id-patterns.js';
import {
  factFileKey,
  isRawSourceKey,
  partFileName,
  partitionLabel,
  partitionPrefix,
  quarantineKey,
  rawMonthKey,
  refusedSourceKey,
  sourceLedgerKey,
  sourceStem,
  tablePrefix,
} from '../../contracts/lake-keys.js';
import { OpsError } from '../../contracts/ops-error.js';
import { categoryKey, toCents } from '../../contracts/raw-order.js';
import { recordFormatOf } from '../../contracts/raw-order-original.js';

// The contract's small functions, exactly: every key the lake uses, id patterns as RegExps, the
// record-format sniff, category keys, cents. Other code derives names and checks from these.
describe('lake keys', () => {
  it.each([
    ['raw/store_sales/orders_2025_01.json', true],
    ['raw/store_sales/orders_2025_01.jsonl', true],
    ['raw/store_sales/orders_2025_01.ndjson', true],
    ['raw/store_sales/orders_2025_01.csv', false],
    ['raw/store_sales/orders_2025_01.json.gz', false],
    ['raw/store_sales/sub/orders.json', false],
    ['raw/store_sales/.orders.json', false],
    ['raw/other/orders.json', false],
    ['xraw/store_sales/orders.json', false],
  ])('%s is a raw source: %s', (key, expected) => {
    expect(isRawSourceKey(key)).toBe(expected);
  });

  it('derives every name from the source and the partition', () => {
    expect(sourceStem('raw/store_sales/orders_2025_01.json')).toBe('orders_2025_01');
    expect(sourceStem('raw/store_sales/a.b.jsonl')).toBe('a.b');
    expect(sourceStem('raw/store_sales/.hidden')).toBe('.hidden');
    expect(sourceStem('noext')).toBe('noext');
    expect(partitionLabel(2025, 1)).toBe('2025-01');
    expect(partitionLabel(2025, 12)).toBe('2025-12');
    expect(tablePrefix('fact_orders')).toBe('processed/store_sales/fact_orders/');
    expect(partitionPrefix('fact_order_items', 2025, 3)).toBe(
      'processed/store_sales/fact_order_items/order_year=2025/order_month=03/',
    );
    expect(partFileName('orders_2025_03')).toBe('part-orders_2025_03.parquet');
    expect(factFileKey('fact_orders', 2025, 11, 'x')).toBe(
      'processed/store_sales/fact_orders/order_year=2025/order_month=11/part-x.parquet',
    );
    expect(quarantineKey('orders_2025_01')).toBe('quarantine/store_sales/orders_2025_01.jsonl');
    expect(rawMonthKey(2025, 4)).toBe('raw/store_sales/orders_2025_04.json');
    expect(sourceLedgerKey('raw/store_sales/orders_2025_01.json')).toBe(
      'state/sources/orders_2025_01.json.json',
    );
    expect(refusedSourceKey('raw/store_sales/orders_2025_01.jsonl')).toBe(
      'quarantine/store_sales/_refused/orders_2025_01.jsonl.jsonl',
    );
  });
});

describe('id patterns', () => {
  it('reads a class as ASCII ranges and single characters', () => {
    expect(charRanges('0-9a-f')).toEqual([
      [0x30, 0x39],
      [0x61, 0x66],
    ]);
    expect(charRanges('-a-')).toEqual([
      [0x2d, 0x2d],
      [0x61, 0x61],
      [0x2d, 0x2d],
    ]);
    expect(charRanges(' -~')).toEqual([[0x20, 0x7e]]);
    expect(charRanges('x')).toEqual([[0x78, 0x78]]);
    for (const bad of ['é', 'a-é', 'z-a'])
      expect(() => charRanges(bad), bad).toThrow(`id class "${bad}": ASCII ranges only`);
  });

  it('writes a pattern as the RegExp people read in messages', () => {
    expect(idRegExp(['ORD-', digits(8), '-', lowerHex(8)]).source).toBe('^ORD-\\d{8}-[0-9a-f]{8}$');
    expect(idRegExp(['a.b', { chars: 'a-z_', min: 1, max: 3 }]).source).toBe('^a\\.b[a-z_]{1,3}$');
    expect(idRegExp([{ chars: ' -~', min: 1, max: 64 }]).source).toBe('^[ -~]{1,64}$');
    expect(idRegExp([{ chars: '^\\]-', min: 1, max: 1 }]).source).toBe('^[\\^\\\\\\]\\-]{1}$');
    const re = idRegExp(['(x)+', digits(2)]);
    expect([re.test('(x)+12'), re.test('xx12'), re.test('(x)+123'), re.test('(x)+1')]).toEqual([
      true,
      false,
      false,
      false,
    ]);
  });
});

describe('record formats, categories, cents', () => {
  it.each([
    [{ schema_version: 1 }, 'original'],
    [{ schema_version: 2 }, 'v2'],
    [{ schema_version: 3 }, 'unrecognised'],
    [{ payment: {} }, 'original'],
    [{ payment: {}, payments: [] }, 'v2'],
    [{ payment: {}, status: 'completed' }, 'v2'],
    [{ payment: null }, 'v2'],
    [{ payment: [] }, 'v2'],
    [{}, 'v2'],
    [[], 'unrecognised'],
    [null, 'unrecognised'],
    ['x', 'unrecognised'],
  ])('sniffs %j as %s', (value, format) => {
    expect(recordFormatOf(value)).toBe(format);
  });

  it('groups categories by a key of lowercase letters and digits', () => {
    expect(categoryKey('Garden & Patio')).toBe('garden_patio');
    expect(categoryKey('  Home--Kitchen  ')).toBe('home_kitchen');
    expect(categoryKey('Ｂｏｏｋｓ')).toBe('books');
    expect(categoryKey('!!')).toBe('');
  });

  it('rounds amounts to cents', () => {
    expect([toCents(337.89), toCents(0.1 + 0.2), toCents(12.5), toCents(-1.005)]).toEqual([
      33_789, 30, 1_250, -100,
    ]);
  });
});

describe('OpsError', () => {
  it('carries a code, a hint and a cause', () => {
    const cause = new Error('root');
    const err = new OpsError('no_lake', 'no lake at /x', 'run npm start', { cause });
    expect({
      name: err.name,
      code: err.code,
      message: err.message,
      hint: err.hint,
      cause: err.cause,
    }).toEqual({
      name: 'OpsError',
      code: 'no_lake',
      message: 'no lake at /x',
      hint: 'run npm start',
      cause,
    });
  });
});
