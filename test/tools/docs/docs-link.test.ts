import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardDocsHref, docsIndexOf } from '../../../tools/docs/docs-link.js';

let tmp: string;
/** A lake where `ops docs` has written its page. */
let lake: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'docs-link-'));
  lake = path.join(tmp, 'docs');
  await mkdir(path.dirname(docsIndexOf(lake)), { recursive: true });
  await writeFile(docsIndexOf(lake), '<html></html>');
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('dashboardDocsHref: the dashboard links the dbt docs only where they are', () => {
  it('gives no link before `ops docs` has written the docs', async () => {
    const bare = path.join(tmp, 'no-docs');
    await mkdir(bare, { recursive: true });
    const dashboardDir = path.join(bare, 'dashboard');
    expect(await dashboardDocsHref({ lake: bare, target: 'local', dashboardDir })).toBeUndefined();
  });

  it('links them relative to the folder the page is published in, wherever that is', async () => {
    const href = (dashboardDir: string) => dashboardDocsHref({ lake, target: 'local', dashboardDir });

    expect(await href(path.join(lake, 'dashboard'))).toBe('../docs/index.html');
    expect(await href(path.join(tmp, 'site', 'nested'))).toBe('../../docs/docs/index.html');
    expect(
      await dashboardDocsHref({ lake, target: 'trino', dashboardDir: path.join(lake, 'dashboard') }),
    ).toBe('../docs/index.html');
  });

  it('gives no link on AWS, whose dashboard is read from S3, where the docs are not', async () => {
    expect(await dashboardDocsHref({ lake, target: 'aws', dashboardDir: path.join(lake, 'dashboard') })).toBe(
      undefined,
    );
  });
});
