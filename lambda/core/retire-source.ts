import { FACT_TABLE_NAMES } from '../../contracts/fact-tables.js';
import { partFileName, quarantineKey, sourceStem, tablePrefix } from '../../contracts/lake-keys.js';
import type { ObjectStore } from './object-store.js';

/**
 * Removes every output a deleted raw source published: its Parquet file in each partition of
 * each fact table (`…/part-<stem>.parquet`) and its quarantine file. Found by name, since output
 * names derive from the base name alone (contracts/lake-keys.ts); returns the removed Parquet keys. The
 * local runner retires from its state file instead; the result is the same set of keys.
 */
export async function retireSourceOutputs(
  processed: ObjectStore,
  quarantine: ObjectStore,
  rawKey: string,
): Promise<string[]> {
  const stem = sourceStem(rawKey);
  const suffix = `/${partFileName(stem)}`;
  const removed: string[] = [];
  for (const table of FACT_TABLE_NAMES) {
    for (const o of await processed.list(tablePrefix(table))) {
      if (!o.key.endsWith(suffix)) continue;
      await processed.delete(o.key);
      removed.push(o.key);
    }
  }
  // Deleted unconditionally (a missing key is no error): the Lambda may write and delete
  // quarantine objects but not read them, so it does not ask first.
  await quarantine.delete(quarantineKey(stem));
  return removed;
}
