import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { LAKE } from '../../contracts/lake-layout.js';
import { writeFileAtomic } from '../lib/fs-atomic.js';
import { lakePath } from '../lib/lake-path.js';

/**
 * What `ops etl` remembers between runs (`<lake>/state/etl-state.json`): per raw key, the
 * fingerprint of the file it last processed and the outputs its last successful run wrote. A file
 * is skipped while its size, mtime (or, when only those changed, its sha256), the ETL version
 * and its outputs are all unchanged, its last run did not fail, and no holder of its duplicates
 * changed since.
 */
const sourceStateSchema = z.object({
  size: z.number().int().nonnegative(),
  mtimeMs: z.number(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  etlVersion: z.string(),
  processedAt: z.string(),
  files: z.array(z.string()),
  quarantineKey: z.string().optional(),
  read: z.number().int(),
  loaded: z.number().int(),
  quarantined: z.number().int(),
  /** Other sources holding the first copy of orders this one repeats (quarantined as duplicates). */
  duplicateOf: z.array(z.string()).optional(),
  /**
   * Holders of its duplicates (`duplicateOf`) that were re-processed or deleted since this
   * record's last successful run: the orders it quarantined as theirs may no longer be loaded
   * anywhere, so it runs again, whatever its fingerprint says, until a run of it succeeds (which
   * replaces the record). Written in the same state write that forgets or re-records the holder.
   */
  holdersChanged: z.array(z.string()).optional(),
  /**
   * The last run of this file failed: either the file was refused as a whole (not JSON, a
   * malformed JSON array, empty: `refusedFile` in lambda/core/process-source.ts; `quarantineKey`
   * holds the failure) or the run threw (staging or publishing: an unreadable file, a full disk, a
   * rename refused halfway through publishing). `files` are those of its last successful run (none
   * if it had none), kept, not forgotten, so that deleting the file removes them; outputs a failed
   * publish left beyond them are found by key (`unrecordedOutputs`). The next run processes the
   * file again.
   */
  failed: z.literal(true).optional(),
});

const stateSchema = z.object({
  version: z.literal(1),
  sources: z.record(z.string(), sourceStateSchema),
  /**
   * When a run last removed the outputs of deleted raw files: the facts changed, and no source
   * record is left to say when (the last ETL run is the later of this and every `processedAt`).
   */
  retiredAt: z.string().optional(),
});

export type SourceState = z.infer<typeof sourceStateSchema>;
export type EtlState = z.infer<typeof stateSchema>;

const empty = (): EtlState => ({ version: 1, sources: {} });

/**
 * Reads the state; a missing or unreadable file means "nothing processed yet", which is safe
 * because processing is idempotent (everything is simply processed again).
 */
export async function readEtlState(lake: string): Promise<EtlState> {
  try {
    const parsed = stateSchema.safeParse(JSON.parse(await readFile(lakePath(lake, LAKE.etlState), 'utf8')));
    return parsed.success ? parsed.data : empty();
  } catch {
    return empty();
  }
}

/** Writes the state atomically (after every processed file, so a crash keeps the progress made). */
export async function writeEtlState(lake: string, state: EtlState): Promise<void> {
  await writeFileAtomic(lakePath(lake, LAKE.etlState), `${JSON.stringify(state, null, 2)}\n`);
}
