import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { OWNER_PATTERN, removeLeftovers, THIS_PROCESS } from '../../lambda/core/leftovers.js';
import type { Published } from './published.js';

/**
 * Where a refresh builds its results before publishing them: a hidden sibling of the published
 * folders inside the lake (same file system, so the swap below is a rename, not a copy), named
 * after the run and this process, so that a later refresh can tell one whose process is gone.
 */
export const stagingFor = (lake: string, runId: string): Published => {
  const root = path.join(lake, `.refresh-${runId}.${THIS_PROCESS}`);
  return { csvDir: path.join(root, 'analytics_outputs'), dashboardDir: path.join(root, 'dashboard') };
};

const STAGING = new RegExp(`^\\.refresh-.+\\.${OWNER_PATTERN}$`);
/** Staging folders named before they carried their owner: removed once untouched for a week. */
const UNOWNED_STAGING = /^\.refresh-[^.]+$/;

/**
 * Removes the staging folders of refreshes whose process is gone: a refresh removes its own when
 * it ends, but one ended by a signal or SIGKILL cannot. Judged as the ETL's staging folders are
 * (lambda/core/leftovers.ts: pid, start time and pid namespace; a folder of another machine or
 * container by its age), so a refresh still running, here or elsewhere, keeps its folder.
 */
export const removeAbandonedStaging = (lake: string): Promise<void> =>
  removeLeftovers(lake, STAGING, UNOWNED_STAGING);

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
