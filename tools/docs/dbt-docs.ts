import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LAKE } from '../../contracts/lake-layout.js';
import { OpsError } from '../../contracts/ops-error.js';
import { dbtRunFailure, runDbt } from '../engines/dbt-runner.js';
import { writeFileAtomic } from '../lib/fs-atomic.js';
import { lakePath } from '../lib/lake-path.js';
import { ensurePythonEnvs } from '../scripts/ensure-python.js';
import { docsIndexOf } from './docs-link.js';

export interface DocsOptions {
  lake: string;
  /** Folder for dbt's `target/` and `logs/` of this run; default `<lake>/.dbt-docs`. */
  artifactsDir?: string;
  onLine?: (line: string) => void;
}

export interface DocsResult {
  /** `<lake>/docs/index.html`. */
  index: string;
  bytes: number;
  models: number;
}

/**
 * `dbt docs generate --static` on the local warehouse, published as `<lake>/docs/index.html`.
 * dbt's usual index.html fetches manifest.json and catalog.json, which a browser refuses over
 * file://; `--static` (dbt-core >= 1.7) inlines both into static_index.html, one file that opens
 * offline and shows every model, its columns and the lineage graph from sources to marts.
 * The catalog reads the warehouse, so `ops transform` must have built the models first.
 */
export async function generateDocs(opts: DocsOptions): Promise<DocsResult> {
  await ensurePythonEnvs('dbt');
  const warehouse = lakePath(opts.lake, LAKE.warehouse);
  const artifacts = opts.artifactsDir ?? path.join(opts.lake, '.dbt-docs');
  const targetPath = path.join(artifacts, 'target');
  const hint = `run \`npx ops transform\` first; the log is in ${path.join(artifacts, 'logs', 'dbt.log')}`;
  if (!existsSync(warehouse)) {
    throw new OpsError(
      'NO_WAREHOUSE',
      `no warehouse at ${warehouse}`,
      'run `npx ops etl`, `npx ops crawl` and `npx ops transform` on this lake first, or point --lake at your lake',
    );
  }
  const summary = await runDbt({
    args: ['docs', 'generate', '--static'],
    target: 'local',
    warehouse,
    targetPath,
    logPath: path.join(artifacts, 'logs'),
    ...(opts.onLine ? { onLine: opts.onLine } : {}),
  }).catch((err: unknown) => {
    throw dbtRunFailure(err, 'DOCS_FAILED', `dbt docs generate failed: ${(err as Error).message}`, hint);
  });
  if (!summary.ok)
    throw new OpsError('DOCS_FAILED', `dbt docs generate failed (exit ${summary.exitCode})`, hint);
  const html = await readFile(path.join(targetPath, 'static_index.html'), 'utf8').catch((err: unknown) => {
    throw new OpsError('DOCS_FAILED', 'dbt wrote no static_index.html', hint, { cause: err });
  });
  const catalog = JSON.parse(await readFile(path.join(targetPath, 'catalog.json'), 'utf8')) as {
    nodes: Record<string, unknown>;
  };
  const models = Object.keys(catalog.nodes).filter((k) => k.startsWith('model.')).length;
  if (!models) {
    throw new OpsError('DOCS_NO_MODELS', `the warehouse ${warehouse} holds no dbt models`, hint);
  }
  const index = docsIndexOf(opts.lake);
  await writeFileAtomic(index, html);
  return { index, bytes: Buffer.byteLength(html), models };
}
