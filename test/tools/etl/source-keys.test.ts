import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSourceKeys } from '../../../tools/etl/source-keys.js';

const sources = ['raw/store_sales/orders_2025_01.json', 'raw/store_sales/orders_2025_02.jsonl'];
const lake = path.resolve('some-lake');
const local = { location: lake, lake, emptyHint: 'generate first' };

describe('resolveSourceKeys (--file)', () => {
  it('takes a key, a file name, and locally the file path a shell completes, absolute or relative', () => {
    expect(
      resolveSourceKeys(
        [
          'raw/store_sales/orders_2025_01.json',
          'orders_2025_02.jsonl',
          path.join(lake, 'raw/store_sales/orders_2025_01.json'),
          path.join('some-lake', 'raw', 'store_sales', 'orders_2025_02.jsonl'),
        ],
        sources,
        local,
      ),
    ).toEqual(sources);
  });

  it('refuses a path outside the lake, or any path where the sources are not a local folder, naming the choices', () => {
    const outside = path.resolve('other-lake/raw/store_sales/orders_2025_01.json');
    expect(() => resolveSourceKeys([outside], sources, local)).toThrow(
      expect.objectContaining({
        code: 'ETL_UNKNOWN_FILE',
        hint: expect.stringContaining('orders_2025_01.json'),
      }),
    );
    expect(() =>
      resolveSourceKeys([path.join(lake, 'raw/store_sales/orders_2025_01.json')], sources, {
        location: 's3://raw-bucket',
        emptyHint: '',
      }),
    ).toThrow(expect.objectContaining({ code: 'ETL_UNKNOWN_FILE' }));
    expect(() => resolveSourceKeys(['orders_2025_03.json'], [], local)).toThrow(
      expect.objectContaining({ hint: 'generate first' }),
    );
  });
});
