import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvValueError, toCsv } from '../../../tools/exports/csv.js';

describe('toCsv', () => {
  it('writes a header, the columns in the given order and \\n line ends', () => {
    const csv = toCsv(['month', 'revenue_usd'], [{ revenue_usd: '25502110.35', month: '2025-01-01' }]);

    expect(csv).toBe('month,revenue_usd\n2025-01-01,25502110.35\n');
  });

  it('quotes only fields that need it, RFC 4180 style, and reads back intact', () => {
    const rows = [{ a: 'plain', b: 'x,y', c: 'say "hi"', d: 'two\nlines' }];

    const csv = toCsv(['a', 'b', 'c', 'd'], rows);

    expect(csv).toBe('a,b,c,d\nplain,"x,y","say ""hi""","two\nlines"\n');
    expect(parse(csv, { columns: true })).toEqual(rows);
  });

  it('writes NULL as an empty field and integers as plain digits', () => {
    const csv = toCsv(
      ['month', 'orders', 'mom_growth'],
      [{ month: '2025-01-01', orders: 42, mom_growth: null }],
    );

    expect(csv).toBe('month,orders,mom_growth\n2025-01-01,42,\n');
  });

  it('refuses a float, which could not be exported exactly', () => {
    expect(() => toCsv(['aov_usd'], [{ aov_usd: 0.1 + 0.2 }])).toThrow(CsvValueError);
  });

  it('refuses rows that lack a contract column', () => {
    expect(() => toCsv(['month', 'orders'], [{ month: '2025-01-01' }])).toThrow(/no column orders/);
  });
});
