import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Published } from './published.js';

/**
 * Where a refresh builds its results before publishing them: a hidden sibling of the published
 * folders inside the lake (same file system, so the swap below is a rename, not a copy).
 */
export const stagingFor = (lake: string, runId: string): Published => {
  const root = path.join(lake, `${STAGING_PREFIX}${runId}`);
  return { csvDir: path.join(root, 'analytics_outputs'), dashboardDir: path.join(root, 'dashboard') };
};

const STAGING_PREFIX = '.refresh-';
/** The file in a staging folder naming the process that stages there. */
const OWNER_FILE = 'owner.pid';

/** Creates a refresh's staging folder (`stagingFor`), marked with this process as its owner. */
export async function claimStaging(staged: Published): Promise<void> {
  const root = path.dirname(staged.csvDir);
  await mkdir(root, { recursive: true });
  await writeFile(path.join(root, OWNER_FILE), `${process.pid}\n`);
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, as another user's process
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Removes the staging folders of refreshes that died without removing them: a refresh removes its
 * own when it ends, but one ended by a signal or SIGKILL cannot. A folder whose owner process is
 * still running (a refresh beside this one) is kept; one with no owner file is left alone too.
 * Returns the folders removed.
 */
export async function removeAbandonedStaging(lake: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(lake).catch(() => [] as string[])) {
    if (!name.startsWith(STAGING_PREFIX)) continue;
    const root = path.join(lake, name);
    const owner = Number.parseInt(await readFile(path.join(root, OWNER_FILE), 'utf8').catch(() => ''), 10);
    if (!Number.isInteger(owner) || owner <= 0 || alive(owner)) continue;
    await rm(root, { recursive: true, force: true });
    removed.push(root);
  }
  return removed;
}

/**
 * Replaces each published folder by its staged one: the old folder is renamed aside, the staged one
 * renamed into place, then the old one removed. Readers see the old set or the new set of a folder,
 * never a half-written file. Returns the published folders.
 */
export async function swapIntoPlace(staged: Published, published: Published): Promise<Published> {
  for (const key of ['csvDir', 'dashboardDir'] as const) {
    const target = published[key];
    const aside = `${target}.previous`;
    await mkdir(path.dirname(target), { recursive: true });
    await rm(aside, { recursive: true, force: true });
    if (existsSync(target)) await rename(target, aside);
    await rename(staged[key], target);
    await rm(aside, { recursive: true, force: true });
  }
  return published;
}
