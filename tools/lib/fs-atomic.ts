import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OWNER_PATTERN, removeLeftovers, THIS_PROCESS } from '../../lambda/core/leftovers.js';

/** A temporary of this module: `.<name>.<owner>-<8 hex>.tmp`, its owner the writing process. */
const TEMPORARY = new RegExp(`^\\..+\\.${OWNER_PATTERN}-[0-9a-f]{8}\\.tmp$`);
/** One named before temporaries carried their owner (`.<name>.<8 hex>.tmp`): judged by age. */
const UNOWNED_TEMPORARY = /^\..+\.[0-9a-f]{8}\.tmp$/;

/**
 * A temporary sibling for `file`, whose folder it creates: same folder (so rename is atomic),
 * hidden, unique, named for this process. A process killed between writing and renaming leaves
 * its temporary (readers skip hidden files); the first temporary a process makes in a folder
 * removes the ones there whose process is gone (lambda/core/leftovers.ts), so a killed
 * `ops export-outputs` or ETL leaves nothing behind after the next run.
 */
export async function temporaryFor(file: string): Promise<string> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  await removeLeftovers(dir, TEMPORARY, UNOWNED_TEMPORARY);
  return path.join(dir, `.${path.basename(file)}.${THIS_PROCESS}-${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Writes `file` so that readers see either the old content or the new, never a partial one:
 * write a temporary sibling, then rename over the target.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = await temporaryFor(file);
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
