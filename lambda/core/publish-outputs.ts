import { FACT_TABLE_NAMES } from '../../contracts/fact-tables.js';
import { partFileName, quarantineKey, tablePrefix } from '../../contracts/lake-keys.js';
import type { ObjectStore } from './object-store.js';
import type { StagedFile } from './partition-writers.js';

/**
 * Publishes one source's outputs: puts the new Parquet files (each atomically), then its
 * quarantine file (or removes a stale one when nothing was rejected), and only then removes this
 * source's files in partitions it no longer feeds. Returns the removed keys. With `replaceFacts`
 * false (a failed source), only the quarantine file is published and the facts stay as they were.
 */
export async function publishOutputs(
  processed: ObjectStore,
  quarantineStore: ObjectStore,
  stem: string,
  staged: StagedFile[],
  quarantineFile: string | undefined,
  { replaceFacts }: { replaceFacts: boolean } = { replaceFacts: true },
): Promise<string[]> {
  for (const f of staged)
    await processed.put(f.key, { file: f.file }, { contentType: 'application/vnd.apache.parquet' });
  if (quarantineFile) {
    await quarantineStore.put(
      quarantineKey(stem),
      { file: quarantineFile },
      { contentType: 'application/x-ndjson' },
    );
  } else await quarantineStore.delete(quarantineKey(stem));
  if (!replaceFacts) return [];
  const keep = new Set(staged.map((f) => f.key));
  const suffix = `/${partFileName(stem)}`;
  const removed: string[] = [];
  for (const table of FACT_TABLE_NAMES) {
    for (const o of await processed.list(tablePrefix(table))) {
      if (o.key.endsWith(suffix) && !keep.has(o.key)) {
        await processed.delete(o.key);
        removed.push(o.key);
      }
    }
  }
  return removed;
}
