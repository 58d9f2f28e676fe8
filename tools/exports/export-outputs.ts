import path from 'node:path';
import { CSV_EXPORTS, type CsvExportSpec } from '../../contracts/csv-exports.js';
import { OpsError } from '../../contracts/ops-error.js';
import type { QueryEngine } from '../engines/query-engine.js';
import { writeFileAtomic } from '../lib/fs-atomic.js';
import { progress } from '../lib/report.js';
import { toCsv } from './csv.js';

/** What an export wrote. */
export interface ExportResult {
  outDir: string;
  files: { file: string; rows: number }[];
}

/** The query behind one export file: its columns, in contract order, from its mart, in a total order. */
export const exportQuery = (spec: CsvExportSpec): string =>
  `SELECT ${spec.columns.join(', ')} FROM ${spec.mart} ORDER BY ${spec.orderBy.join(', ')}`;

/** What to run when the marts are missing or stale: dbt builds (and tests) them. */
export const MARTS_HINT = 'run `npx ops transform` (dbt build) first';

/**
 * Completed orders in the curated marts (monthly revenue counts completed orders only). A failure
 * here means the marts were never built on this target: NO_MARTS, before any file is touched.
 */
async function completedOrders(engine: QueryEngine): Promise<number> {
  const [first] = CSV_EXPORTS;
  try {
    const [row] = await engine.query(`SELECT COALESCE(SUM(orders), 0) AS n FROM ${first.mart}`);
    return Number(row?.n ?? 0);
  } catch (err) {
    // only a missing mart (DuckDB's Catalog Error, Athena's and Trino's TABLE_NOT_FOUND): an
    // access, throttling or timeout error keeps its own code and hint
    if (err instanceof OpsError || !/does not exist|TABLE_NOT_FOUND/i.test(String((err as Error)?.message)))
      throw err;
    // the engine's first line: DuckDB adds suggestions and the SQL on the lines after it
    const reason = (err as Error).message.split('\n')[0];
    throw new OpsError('NO_MARTS', `cannot read the dbt marts: ${reason}`, MARTS_HINT, {
      cause: err,
    });
  }
}

/**
 * Writes every CSV of the export contract (contracts/csv-exports.ts) from the dbt marts of `engine`
 * into `outDir`. All queries run before any file is written, and each file is replaced atomically,
 * so a failure leaves the previous outputs as they were. No completed orders is an error
 * (NO_DATA): an export of empty files would look like a successful run. `guard` runs once the
 * marts are known to be built, before any query of the export (`ops export-outputs`: the facts'
 * duplicate check), so a lake never built says NO_MARTS first, whatever the guard reads.
 */
export async function exportOutputs(
  engine: QueryEngine,
  outDir: string,
  guard?: (engine: QueryEngine) => Promise<void>,
): Promise<ExportResult> {
  if ((await completedOrders(engine)) === 0) {
    throw new OpsError(
      'NO_DATA',
      'the fact tables hold no completed orders: nothing to export',
      'load orders first: `npx ops pipeline` runs every step (generate or upload, etl, crawl, create-views, transform)',
    );
  }
  await guard?.(engine);
  const rendered: { file: string; rows: number; csv: string }[] = [];
  for (const spec of CSV_EXPORTS) {
    progress(`export: ${spec.mart} -> ${spec.file}`);
    try {
      const rows = await engine.query(exportQuery(spec));
      rendered.push({ file: spec.file, rows: rows.length, csv: toCsv(spec.columns, rows) });
    } catch (err) {
      throw new OpsError(
        'EXPORT_FAILED',
        `${spec.file} from ${spec.mart}: ${(err as Error).message}`,
        MARTS_HINT,
        { cause: err },
      );
    }
  }
  for (const r of rendered) await writeFileAtomic(path.join(outDir, r.file), r.csv);
  return { outDir, files: rendered.map(({ file, rows }) => ({ file, rows })) };
}
