import { execFile } from 'node:child_process';
import { appendFile, cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createViewsOn } from '../../tools/commands/create-views.js';
import { runTransform } from '../../tools/commands/transform.js';
import { crawlDuckDb } from '../../tools/duckdb/duckdb-catalog.js';
import { DBT_PROJECT_DIR } from '../../tools/engines/dbt-runner.js';
import { runLocalEtl } from '../../tools/etl/run-local-etl.js';
import { generateDataset } from '../../tools/generator/index.js';
import { venvBin } from '../../tools/scripts/ensure-python.js';

/** The raw file `buildLake(…, { badLine: true })` plants an unparsable line in. */
export const BAD_LINE_FILE = 'raw/store_sales/orders_2025_03.json';
/** The raw file `buildLake(…, { badLine: true })` re-uploads empty after loading it. */
export const REFUSED_FILE = 'raw/store_sales/orders_2025_05.json';

/**
 * A temporary lake built by the real pipeline up to the catalog: generate -> etl (the Lambda's
 * core over the lake folder, as `ops etl` runs it) -> crawl (fact views in warehouse.duckdb) ->
 * create-views (sql/*.sql). Every DuckDB connection is closed on return, so dbt can open the
 * warehouse for writing. 12 months from 2025-01, seed 42. `badLine` appends one unparsable line
 * to March's raw file, so the quarantine table has a record (the generator writes none), and
 * one to May's, which it then empties once loaded: refused as a whole, May keeps its facts and
 * their quarantined record, and adds its refusal (its ETL run fails).
 */
export async function buildLake(
  ordersPerMonth: number,
  prefix = 'dbt-lake-',
  opts: { badLine?: boolean } = {},
): Promise<string> {
  const lake = await mkdtemp(path.join(os.tmpdir(), prefix));
  await generateDataset({ lake, from: '2025-01', months: 12, ordersPerMonth, seed: 42, force: false });
  if (opts.badLine) {
    await appendFile(path.join(lake, BAD_LINE_FILE), 'not json\n');
    await appendFile(path.join(lake, REFUSED_FILE), 'not json\n');
  }
  const etl = await runLocalEtl({ lake });
  if (etl.failed.length) throw new Error(`ETL failed: ${JSON.stringify(etl.failed)}`);
  if (opts.badLine) {
    await writeFile(path.join(lake, REFUSED_FILE), '');
    const refused = await runLocalEtl({ lake });
    if (refused.failed.map((f) => f.key).join() !== REFUSED_FILE)
      throw new Error(`expected only ${REFUSED_FILE} to fail: ${JSON.stringify(refused.failed)}`);
  }
  await crawlDuckDb({ lake });
  await createViewsOn({ target: 'local', lake });
  return lake;
}

/**
 * `ops transform` on a lake built above (`--full-refresh` if asked; only the dbt selection
 * `select` if given); dbt's target is `<lake>/.dbt/target`.
 */
export async function transformLake(lake: string, fullRefresh = false, select?: string[]): Promise<void> {
  await runTransform({
    target: 'local',
    lake,
    artifactsDir: path.join(lake, '.dbt'),
    onLine: () => {},
    fullRefresh,
    ...(select ? { select } : {}),
  });
}

/** A copy of the dbt project in a temp folder (`prefix`), without its target and logs; remove it with `rm`. */
export async function copyDbtProject(prefix: string): Promise<string> {
  const project = await mkdtemp(path.join(os.tmpdir(), prefix));
  await cp(DBT_PROJECT_DIR, project, {
    recursive: true,
    filter: (src) => !/[\\/](target|logs|dbt_packages)$/.test(src),
  });
  return project;
}

/**
 * dbt `args` on `warehouse` from `project` (a copy of dbt/, or dbt/ itself), dbt's files under
 * `targetPath`. Rejects with dbt's output when dbt fails.
 */
export async function dbtOn(project: string, args: string[], targetPath: string, warehouse: string) {
  // the run's own files only, as in `transform`; the rest of the folder (partial_parse.msgpack)
  // spares dbt a full parse of the project
  await rm(path.join(targetPath, 'run'), { recursive: true, force: true });
  return promisify(execFile)(
    venvBin('dbt', 'dbt'),
    [
      ...args,
      ...['--project-dir', project, '--profiles-dir', project],
      ...['--target-path', targetPath, '--log-path', path.join(targetPath, 'logs')],
    ],
    { env: { ...process.env, STORE_SALES_WAREHOUSE: warehouse } },
  );
}
