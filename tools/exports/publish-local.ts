import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Published } from './published.js';

/**
 * Where a refresh builds its results before publishing them: a hidden sibling of the published
 * folders inside the lake (same file system, so the swap below is a rename, not a copy).
 */
export const stagingFor = (lake: string, runId: string): Published => {
  const root = path.join(lake, `.refresh-${runId}`);
  return { csvDir: path.join(root, 'analytics_outputs'), dashboardDir: path.join(root, 'dashboard') };
};

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
