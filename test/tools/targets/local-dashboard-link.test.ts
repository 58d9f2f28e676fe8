import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkExpires } from '../../../tools/commands/dashboard-link.js';
import { localTarget } from '../../../tools/targets/local.js';

let lake: string;
beforeEach(async () => {
  lake = await mkdtemp(path.join(os.tmpdir(), 'dashboard-link-'));
});
afterEach(() => rm(lake, { recursive: true, force: true }));

describe('ops dashboard-link, local', () => {
  it('refuses with NO_DASHBOARD and what to run while no dashboard is published', async () => {
    const error = await localTarget.dashboardLink({ target: 'local', lake }, 3600).catch((e: unknown) => e);

    expect(error).toMatchObject({
      code: 'NO_DASHBOARD',
      message: `no dashboard at ${path.join(lake, 'dashboard', 'index.html')}`,
      hint: expect.stringMatching(/`npx ops dashboard`/),
    });
  });

  it('links the published page once it is there', async () => {
    await mkdir(path.join(lake, 'dashboard'));
    await writeFile(path.join(lake, 'dashboard', 'index.html'), '<!doctype html>');

    const link = await localTarget.dashboardLink({ target: 'local', lake }, 3600);

    expect(fileURLToPath(link)).toBe(path.join(lake, 'dashboard', 'index.html'));
  });

  it('takes --expires from 1 s to 7 days, and refuses anything else with BAD_OPTION', () => {
    expect(checkExpires(1)).toBe(1);
    expect(checkExpires(604_800)).toBe(604_800);
    for (const bad of [0, -5, 1.5, 604_801, Number.NaN]) {
      expect(() => checkExpires(bad)).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
    }
    expect(() => checkExpires(-5)).toThrow(/from 1 to 604800 \(7 days\), got -5$/);
  });
});
