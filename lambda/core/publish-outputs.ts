import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FACT_TABLE_NAMES } from '../../contracts/fact-tables.js';
import { partFileName, quarantineKey, tablePrefix } from '../../contracts/lake-keys.js';
import { ObjectNotFoundError, type ObjectStore } from './object-store.js';
import type { StagedFile } from './partition-writers.js';
import { isWholeFileRecord } from './quarantine-writer.js';

/**
 * Publishes one source's outputs: puts the new Parquet files (each atomically), then its
 * quarantine file (or removes a stale one when nothing was rejected), and only then removes this
 * source's files in partitions it no longer feeds. Returns the removed keys. With `replaceFacts`
 * false (a source refused as a whole), the facts stay as they were and so do the records their
 * version quarantined: the refusal (line 0) is added to them, replacing an earlier refusal.
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
    const key = quarantineKey(stem);
    const file = replaceFacts ? quarantineFile : await withKeptRecords(quarantineStore, key, quarantineFile);
    await quarantineStore.put(key, { file }, { contentType: 'application/x-ndjson' });
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

/**
 * A local file holding the published quarantine file's records of the version whose facts stay
 * (every line but a whole-file refusal), then the refusal in `refusalFile`: a refused re-upload
 * must not lose the records its last good version rejected, and refusing the same upload again
 * gives the same file. A line that is not JSON is kept as it is.
 */
async function withKeptRecords(store: ObjectStore, key: string, refusalFile: string): Promise<string> {
  let published: Readable;
  try {
    published = await store.get(key);
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return refusalFile;
    throw err;
  }
  const file = `${refusalFile}.kept`;
  // one pipeline: a read or write error rejects here and closes both ends
  await pipeline(
    published,
    async function* (source: AsyncIterable<Buffer>) {
      for await (const line of createInterface({
        input: Readable.from(source),
        crlfDelay: Number.POSITIVE_INFINITY,
      }))
        if (line && !isWholeFileRecord(line)) yield `${line}\n`;
      yield* createReadStream(refusalFile);
    },
    createWriteStream(file),
  );
  return file;
}
