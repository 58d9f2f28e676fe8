import { stat } from 'node:fs/promises';
import path from 'node:path';
import { LAKE } from '../../contracts/lake-layout.js';
import { lakePath } from '../lib/lake-path.js';

/** `<lake>/docs/index.html`, where `ops docs` writes dbt's documentation site. */
export const docsIndexOf = (lake: string): string => path.join(lakePath(lake, LAKE.docs), 'index.html');

/**
 * The dashboard's link to the dbt docs: the docs page relative to the folder the dashboard is
 * published in, or undefined (the page then says how to write them) when `ops docs` has not
 * written them, or on AWS, whose dashboard is read from S3, where the docs are not.
 * The pipeline does not run `ops docs` (~7 s), so a dead link was the default before this.
 */
export async function dashboardDocsHref(opts: {
  lake: string;
  target: string;
  dashboardDir: string;
}): Promise<string | undefined> {
  if (opts.target === 'aws') return undefined;
  const index = docsIndexOf(opts.lake);
  if (!(await stat(index).catch(() => undefined))?.isFile()) return undefined;
  // a URL path: forward slashes whatever the OS
  return path.relative(opts.dashboardDir, index).split(path.sep).join('/');
}
