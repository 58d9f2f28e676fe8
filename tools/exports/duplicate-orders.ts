import { OpsError } from '../../contracts/ops-error.js';
import type { QueryEngine } from '../engines/query-engine.js';

/** One order_id loaded more than once: the months and raw files holding its copies. */
export interface DuplicateOrder {
  orderId: string;
  /** `YYYY-MM` of each copy's partition, distinct, sorted. */
  months: string[];
  /** Raw keys (`source_file`) of the copies, distinct, sorted. */
  sourceFiles: string[];
}

/** What the facts show of order_ids loaded more than once. */
export interface DuplicateOrdersReport {
  /** Distinct order_ids with more than one row in fact_orders. */
  count: number;
  /** The first `examples` of them by order_id. */
  examples: DuplicateOrder[];
  /** Every raw file holding a copy of a duplicated order_id, with its number of such rows. */
  sourceFiles: { sourceFile: string; rows: number }[];
}

/**
 * Order_ids with more than one row: the key dbt's uniqueness test and every export rely on. NULL is
 * no order_id (the ETL quarantines such orders, and dbt's not_null names any that get in): the
 * copies of NULL could not be told apart from the other rows, as `IN` matches no NULL.
 */
const DUPLICATED =
  'SELECT order_id FROM fact_orders WHERE order_id IS NOT NULL GROUP BY order_id HAVING COUNT(*) > 1';

/**
 * Looks for order_ids loaded more than once in the catalog's `fact_orders` (SQL both DuckDB and
 * Athena run). Three small queries: the count, the files, and the copies of the first examples.
 */
export async function findDuplicateOrders(
  engine: QueryEngine,
  examples = 10,
): Promise<DuplicateOrdersReport> {
  const [countRow] = await engine.query(`SELECT COUNT(*) AS n FROM (${DUPLICATED}) d`);
  const count = Number(countRow?.n ?? 0);
  if (count === 0) return { count, examples: [], sourceFiles: [] };
  const files = await engine.query(
    `SELECT f.source_file, COUNT(*) AS n FROM fact_orders f WHERE f.order_id IN (${DUPLICATED}) ` +
      'GROUP BY f.source_file ORDER BY f.source_file',
  );
  const copies = await engine.query(
    'SELECT f.order_id, f.order_year, f.order_month, f.source_file FROM fact_orders f WHERE f.order_id IN ' +
      `(SELECT order_id FROM (${DUPLICATED}) d ORDER BY order_id LIMIT ${examples}) ORDER BY f.order_id`,
  );
  const byId = new Map<string, { months: Set<string>; files: Set<string> }>();
  for (const c of copies) {
    const id = String(c.order_id);
    const entry = byId.get(id) ?? { months: new Set<string>(), files: new Set<string>() };
    entry.months.add(`${c.order_year}-${String(c.order_month).padStart(2, '0')}`);
    entry.files.add(String(c.source_file));
    byId.set(id, entry);
  }
  return {
    count,
    examples: [...byId].map(([orderId, e]) => ({
      orderId,
      months: [...e.months].sort(),
      sourceFiles: [...e.files].sort(),
    })),
    sourceFiles: files.map((f) => ({ sourceFile: String(f.source_file), rows: Number(f.n) })),
  };
}

/** The report in words: how many, which files, and a few order_ids with their months and files. */
export function describeDuplicates(r: DuplicateOrdersReport): string {
  const files = r.sourceFiles.map((f) => `${f.sourceFile} (${f.rows} rows)`).join(', ');
  const ids = r.examples
    .map((e) => `${e.orderId} [${e.months.join(', ')}] in ${e.sourceFiles.join(' and ')}`)
    .join('; ');
  return `${r.count} order_id(s) are loaded more than once, from ${files}; e.g. ${ids}`;
}

/**
 * Throws OpsError DUPLICATE_ORDERS when fact_orders holds an order_id twice: every figure summed
 * over such facts counts those orders twice, so nothing may be published from them.
 */
export async function assertNoDuplicateOrders(engine: QueryEngine): Promise<void> {
  const report = await findDuplicateOrders(engine);
  if (report.count === 0) return;
  throw new OpsError(
    'DUPLICATE_ORDERS',
    `refusing to export: ${describeDuplicates(report)}`,
    'the ETL keeps the first loaded copy and quarantines later ones; reprocess the later file ' +
      '(`npx ops etl --file NAME`) or delete it, then run `npx ops crawl` and export again (docs/duplicates.md)',
  );
}
