import { sourceStem } from '../../contracts/lake-keys.js';
import type { LocalObjectStore } from '../storage/local-object-store.js';
import type { EtlState } from './etl-state.js';

/**
 * Raw keys whose outputs would collide: output names derive from the file's base name, so
 * `orders_2025_01.json` and `orders_2025_01.jsonl` would replace (and clean up) each other's
 * Parquet. Returns key → message for every key of such a group; they are not processed.
 */
export function collidingSources(keys: string[]): Map<string, string> {
  const byStem = new Map<string, string[]>();
  for (const key of keys) byStem.set(sourceStem(key), [...(byStem.get(sourceStem(key)) ?? []), key]);
  const out = new Map<string, string>();
  for (const [stem, group] of byStem) {
    if (group.length < 2) continue;
    for (const key of group) {
      out.set(
        key,
        `raw files ${group.join(', ')} share the name "${stem}", so their outputs would collide: keep one`,
      );
    }
  }
  return out;
}

/**
 * Removes the outputs (Parquet and quarantine) of raw files that are gone from the lake, and
 * forgets them, so a deleted or renamed month is not counted twice. Returns the retired keys.
 */
export async function retireDeletedSources(
  store: LocalObjectStore,
  state: EtlState,
  raw: string[],
): Promise<string[]> {
  const present = new Set(raw);
  const retired: string[] = [];
  for (const [key, last] of Object.entries(state.sources)) {
    if (present.has(key)) continue;
    for (const out of [...last.files, ...(last.quarantineKey ? [last.quarantineKey] : [])])
      await store.delete(out);
    delete state.sources[key];
    retired.push(key);
  }
  return retired;
}
