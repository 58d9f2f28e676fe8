import { readdir } from 'node:fs/promises';
import { QUARANTINE_TABLE } from '../../contracts/quarantine-table.js';
import { lakePath } from '../lib/lake-path.js';
import { withWarehouse } from './warehouse.js';

// The quarantine columns are text and integers only: their DuckDB types, as read from the JSON.
const duckdbType = (c: { kind: 'string' | 'int32' }): string => (c.kind === 'string' ? 'VARCHAR' : 'INTEGER');

const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

const columnTypes = (): string =>
  QUARANTINE_TABLE.columns.map((c) => `${sqlString(c.name)}: ${sqlString(duckdbType(c))}`).join(', ');

/** The quarantine files the view reads: `<source>.jsonl` directly under the quarantine prefix. */
export async function countQuarantineFiles(lake: string): Promise<number> {
  const entries = await readdir(lakePath(lake, QUARANTINE_TABLE.prefix)).catch(() => [] as string[]);
  return entries.filter((e) => e.endsWith('.jsonl') && !e.startsWith('.')).length;
}

/**
 * The DuckDB view `quarantine_records` over every quarantine file, with the contract's columns
 * (other fields of a record, such as `raw`, are ignored). A clean lake has no quarantine file,
 * and DuckDB refuses a glob that matches nothing, so the view is then the empty table of the
 * same columns: `ops crawl` after the next ETL run picks the files up.
 */
export function quarantineViewSql(lake: string, files: number): string {
  const names = QUARANTINE_TABLE.columns.map((c) => c.name).join(', ');
  const source =
    files > 0
      ? `read_json(${sqlString(`${lakePath(lake, QUARANTINE_TABLE.prefix)}/*.jsonl`)}, ` +
        `format = 'newline_delimited', columns = {${columnTypes()}})`
      : `(SELECT ${QUARANTINE_TABLE.columns.map((c) => `CAST(NULL AS ${duckdbType(c)}) AS ${c.name}`).join(', ')} WHERE false)`;
  return `CREATE OR REPLACE VIEW main.${QUARANTINE_TABLE.name} AS SELECT ${names} FROM ${source}`;
}

/**
 * Re-creates the view over the quarantine files there are now. The fact views read their folders
 * live, but this view is fixed when made: an ETL run since the crawl may have written the first
 * quarantine file (the view would miss it) or removed the last one (DuckDB would refuse the glob
 * and the build would fail). `ops transform`, `refresh` and `pipeline` call it before dbt builds.
 */
export async function syncQuarantineView(lake: string): Promise<void> {
  const files = await countQuarantineFiles(lake);
  await withWarehouse({ lake }, (engine) => engine.exec(quarantineViewSql(lake, files)));
}
