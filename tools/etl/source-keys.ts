import { isRawSourceKey } from '../../contracts/lake-keys.js';
import { LAKE } from '../../contracts/lake-layout.js';
import { OpsError } from '../lib/errors.js';
import type { LocalObjectStore } from '../storage/local-object-store.js';

/**
 * Turns `--file` arguments into raw keys: a key (`raw/store_sales/orders_2025_01.json`) or a bare
 * file name (`orders_2025_01.json`). Unknown or non-source names fail with the list of choices.
 */
export async function resolveSourceKeys(store: LocalObjectStore, names: string[]): Promise<string[]> {
  const keys: string[] = [];
  for (const name of names) {
    const key = name.includes('/') ? name : `${LAKE.rawPrefix}${name}`;
    if (!isRawSourceKey(key) || !(await store.head(key))) {
      const available = (await store.list(LAKE.rawPrefix)).map((o) => o.key).filter(isRawSourceKey);
      throw new OpsError(
        'ETL_UNKNOWN_FILE',
        `"${name}" is not a raw source in ${store.root}`,
        available.length
          ? `raw sources: ${available.slice(0, 5).join(', ')}${available.length > 5 ? ', …' : ''}`
          : 'the lake has no raw files yet; run `ops generate` first',
      );
    }
    if (!keys.includes(key)) keys.push(key);
  }
  return keys;
}
