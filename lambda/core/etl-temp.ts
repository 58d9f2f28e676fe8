import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { OWNER_PATTERN, removeLeftovers, THIS_PROCESS } from './leftovers.js';

/**
 * Where the ETL stages a source's outputs before publishing them: a folder of its own in the OS
 * temp folder, named for the process that publishes them,
 * `<tmp>/store-sales-etl-<owner>-<random>` (`ops etl` names its worker processes' folders for
 * itself: it publishes what they stage). The source's folder is removed once it is published or
 * discarded. A process that dies mid-run without cleaning up (SIGKILL, the OOM killer, a Lambda
 * timeout, after which the runtime starts again in the same sandbox and /tmp) leaves its folders
 * behind, up to a month of Parquet each; the next process that stages removes such leftovers.
 *
 * The owner (`<boot>-<pid namespace>.<pid>.<start time>`, leftovers.ts) tells whether the process is
 * gone; a folder of a process this one cannot see (another pid namespace or machine; any,
 * without /proc) is removed once untouched for a week.
 */
const PREFIX = 'store-sales-etl-';
const LEFTOVER = new RegExp(`^${PREFIX}${OWNER_PATTERN}-`);

/**
 * Creates a staging folder under `base` (default the OS temp folder) for `owner` (default this
 * process), first removing, once per process and base, the leftovers of processes that are gone
 * (removeLeftovers).
 */
export async function makeStagingDir({
  base = os.tmpdir(),
  owner = THIS_PROCESS,
}: {
  base?: string;
  owner?: string;
} = {}): Promise<string> {
  await removeLeftovers(base, LEFTOVER);
  return mkdtemp(path.join(base, `${PREFIX}${owner}-`));
}
