import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LAKE } from '../../contracts/lake-layout.js';
import type { DocsLink } from '../../dashboards/render-html.js';
import { lakePath } from '../lib/lake-path.js';
import { opsCommandOn } from '../lib/options.js';

/**
 * The one target `ops docs` documents: the site is built from the local DuckDB warehouse, so it
 * describes no other target's build (`tools/commands/docs.ts` accepts only this one).
 */
export const DOCS_TARGET = 'local';

/**
 * `<lake>/docs/index.html`, where `ops docs` writes dbt's documentation site. Here rather than
 * beside the writer (`dbt-docs.ts`), whose dbt and Python imports the dashboard commands need not load.
 */
export const docsIndexOf = (lake: string): string => path.join(lakePath(lake, LAKE.docs), 'index.html');

/**
 * The dbt docs as linked from a dashboard that will be read from `dashboardDir` (where it is
 * published: not a staging folder): the command to write them until `ops docs` has run on the
 * lake (the pipeline does not
 * run it, ~7 s), `not-available` on a target whose build the docs do not describe (on AWS the page
 * is read from S3, without them). The href is a URL relative to that folder, its segments
 * escaped; a docs page on another drive (Windows) gets its absolute `file:` URL.
 */
export async function dashboardDocsLink(opts: {
  lake: string;
  target: string;
  dashboardDir: string;
}): Promise<DocsLink> {
  if (opts.target !== DOCS_TARGET) return 'not-available';
  const index = docsIndexOf(opts.lake);
  if (!(await stat(index).catch(() => undefined))?.isFile())
    return { write: opsCommandOn('docs', { lake: opts.lake }) };
  const relative = path.relative(opts.dashboardDir, index);
  if (path.isAbsolute(relative)) return { href: pathToFileURL(index).href };
  return { href: relative.split(path.sep).map(encodeURIComponent).join('/') };
}
