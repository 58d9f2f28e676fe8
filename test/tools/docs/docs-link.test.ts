import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardDocsLink, docsIndexOf } from '../../../tools/docs/docs-link.js';

let tmp: string;
/** A lake where `ops docs` has written its page; its folder name holds a space and a `#`. */
let lake: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'docs-link-'));
  lake = path.join(tmp, 'Q1 #2', 'lake');
  await mkdir(path.dirname(docsIndexOf(lake)), { recursive: true });
  await writeFile(docsIndexOf(lake), '<html></html>');
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

const linkFrom = (dashboardDir: string, target = 'local') =>
  dashboardDocsLink({ lake, target, dashboardDir });

describe('dashboardDocsLink: the dashboard links the dbt docs only where they are', () => {
  it('says to write them when `ops docs` has not, with the command for that lake', async () => {
    const bare = path.join(tmp, 'bare');
    await mkdir(bare, { recursive: true });
    const writeFor = async (l: string) =>
      dashboardDocsLink({ lake: l, target: 'local', dashboardDir: path.join(l, 'dashboard') });

    expect(await writeFor(bare)).toEqual({ write: `npx ops docs --lake ${bare}` });
    // a folder name a shell would split is quoted
    expect(await writeFor(path.join(tmp, "it's here"))).toEqual({
      write: `npx ops docs --lake '${path.join(tmp, "it'\\''s here")}'`,
    });
    // the default lake (./lake, or STORE_SALES_LAKE) needs no flag
    expect(await writeFor(path.resolve(process.env.STORE_SALES_LAKE || 'lake'))).toEqual({
      write: 'npx ops docs',
    });
  });

  it('links them relative to the folder the page is published in, as an escaped URL', async () => {
    expect(await linkFrom(path.join(lake, 'dashboard'))).toEqual({ href: '../docs/index.html' });
    const href = ((await linkFrom(path.join(tmp, 'site', 'nested'))) as { href: string }).href;
    expect(href).toBe('../../Q1%20%232/lake/docs/index.html');
    // what a browser makes of it from the page: the docs file itself
    const page = pathToFileURL(path.join(tmp, 'site', 'nested', 'index.html'));
    expect(new URL(href, page).href).toBe(pathToFileURL(docsIndexOf(lake)).href);
  });

  it('offers nothing on the other targets, whose builds the local docs do not describe', async () => {
    expect(await linkFrom(path.join(lake, 'dashboard'), 'aws')).toBe('not-available');
    expect(await linkFrom(path.join(lake, 'dashboard'), 'trino')).toBe('not-available');
  });
});
