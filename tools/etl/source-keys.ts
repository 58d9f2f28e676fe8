import path from 'node:path';
import { LAKE } from '../../contracts/lake-layout.js';
import { OpsError } from '../../contracts/ops-error.js';

/**
 * Turns `--file` arguments into raw keys: a key (`raw/store_sales/orders_2025_01.json`) or a bare
 * file name (`orders_2025_01.json`), each one of `sources` (the raw sources listed in the store at
 * `location`); where the store is a local folder (`lake`), also the file's path, absolute or from
 * the working directory (`lake/raw/store_sales/orders_2025_01.json`, as a shell completes it).
 * Unknown names fail listing the choices, or `emptyHint` when there are none.
 */
export function resolveSourceKeys(
  names: readonly string[],
  sources: readonly string[],
  where: { location: string; emptyHint: string; lake?: string },
): string[] {
  const keys: string[] = [];
  for (const name of names) {
    const inLake = where.lake && path.relative(where.lake, path.resolve(name)).split(path.sep).join('/');
    const key =
      inLake && sources.includes(inLake) ? inLake : name.includes('/') ? name : `${LAKE.rawPrefix}${name}`;
    if (!sources.includes(key)) {
      throw new OpsError(
        'ETL_UNKNOWN_FILE',
        `"${name}" is not a raw source in ${where.location}`,
        sources.length
          ? `raw sources: ${sources.slice(0, 5).join(', ')}${sources.length > 5 ? ', …' : ''}`
          : where.emptyHint,
      );
    }
    if (!keys.includes(key)) keys.push(key);
  }
  return keys;
}
