import { isRawSourceKey } from '../../contracts/lake-keys.js';
import { LAKE } from '../../contracts/lake-layout.js';
import type { ObjectStore } from '../../lambda/core/object-store.js';
import { OpsError } from '../lib/errors.js';

/**
 * The raw sources of a bucket to process: those named (a key, or a bare file name under
 * `raw/store_sales/`), or all of them. Unknown names fail listing what is there.
 */
export async function resolveRawKeys(
  store: ObjectStore,
  names: string[] | undefined,
): Promise<{ key: string; size: number }[]> {
  const raw = (await store.list(LAKE.rawPrefix)).filter((o) => isRawSourceKey(o.key));
  const available = () =>
    raw.length
      ? `raw sources in ${store.location}: ${raw
          .slice(0, 5)
          .map((o) => o.key)
          .join(', ')}${raw.length > 5 ? ', …' : ''}`
      : `${store.location} has no raw files yet; run \`ops upload --target aws\` first`;
  if (!names?.length) {
    if (!raw.length)
      throw new OpsError(
        'NO_RAW_FILES',
        `no raw files under ${store.location}/${LAKE.rawPrefix}`,
        available(),
      );
    return raw.map((o) => ({ key: o.key, size: o.size }));
  }
  const out: { key: string; size: number }[] = [];
  for (const name of names) {
    const key = name.includes('/') ? name : `${LAKE.rawPrefix}${name}`;
    const found = raw.find((o) => o.key === key);
    if (!found)
      throw new OpsError(
        'ETL_UNKNOWN_FILE',
        `"${name}" is not a raw source in ${store.location}`,
        available(),
      );
    if (!out.some((o) => o.key === key)) out.push({ key, size: found.size });
  }
  return out;
}
