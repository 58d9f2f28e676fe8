import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import {
  CSV_EXPORTS,
  type CsvExportFile,
  RUN_METADATA_FILE,
  type RunMetadata,
} from '../contracts/csv-exports.js';
import { OpsError } from '../contracts/ops-error.js';

type Spec = (typeof CSV_EXPORTS)[number];
type TextColumn =
  | 'month'
  | 'cohort_month'
  | 'category'
  | 'country'
  | 'sales_channel'
  | 'customer_segment'
  | 'source_file'
  | 'reason'
  | 'latest_order_date';
type SpecOf<F extends CsvExportFile> = Extract<Spec, { file: F }>;
/** A number, or null where the file's contract lists the column as `nullable` (an empty field). */
type Cell<C, Nullable> = C extends TextColumn ? string : C extends Nullable ? number | null : number;

/** One typed row of an export file, keyed by the columns `contracts/csv-exports.ts` lists. */
export type OutputRow<F extends CsvExportFile> = {
  [C in SpecOf<F>['columns'][number]]: Cell<C, SpecOf<F>['nullable'][number]>;
};
/** Every export file's rows, in file order (the `orderBy` of the contract). */
export type Outputs = { [F in CsvExportFile]: OutputRow<F>[] };

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a plain decimal number');
const cellSchemas = {
  month: z.string().regex(/^\d{4}-\d{2}-01$/, 'expected a month as YYYY-MM-01'),
  label: z.string().min(1, 'expected a non-empty label'),
  number: decimal.transform(Number),
  nullable: z.union([z.literal('').transform(() => null), decimal.transform(Number)]),
  // data_quality.csv: a file not named *_YYYY_MM has no month; a file with no loaded row no date
  monthOrEmpty: z.string().regex(/^(\d{4}-\d{2}-01)?$/, 'expected a month as YYYY-MM-01 or nothing'),
  dateOrEmpty: z.string().regex(/^(\d{4}-\d{2}-\d{2})?$/, 'expected a date as YYYY-MM-DD or nothing'),
};

function schemaFor(spec: Spec, column: string): z.ZodType<string | number | null> {
  const file = spec.file;
  if (file === 'data_quality.csv' && column === 'month') return cellSchemas.monthOrEmpty;
  if (column === 'latest_order_date') return cellSchemas.dateOrEmpty;
  if (column === 'month' || column === 'cohort_month') return cellSchemas.month;
  if (['category', 'country', 'sales_channel', 'customer_segment', 'source_file', 'reason'].includes(column))
    return cellSchemas.label;
  return (spec.nullable as readonly string[]).includes(column) ? cellSchemas.nullable : cellSchemas.number;
}

const hint = 'run `npx ops export-outputs` first (or pass --from the folder that holds the CSVs)';

/** Parses one export file's text against its contract; `file` names it in errors. */
export function parseOutput<F extends CsvExportFile>(spec: SpecOf<F>, text: string): OutputRow<F>[] {
  const fail = (msg: string, cause?: unknown) =>
    new OpsError('DASHBOARD_BAD_OUTPUT', `${spec.file}: ${msg}`, hint, { cause });
  let records: string[][];
  try {
    records = parse(text, { skip_empty_lines: true });
  } catch (err) {
    throw fail(`not valid CSV (${(err as Error).message})`, err);
  }
  const [header, ...rows] = records;
  if (!header) throw fail('file is empty');
  if (header.join(',') !== spec.columns.join(',')) {
    throw fail(`header is "${header.join(',')}", the contract says "${spec.columns.join(',')}"`);
  }
  if (!rows.length) throw fail('has a header but no rows');
  const schema = z.object(Object.fromEntries(spec.columns.map((c) => [c, schemaFor(spec, c)])));
  return rows.map((row, i) => {
    const parsed = schema.safeParse(Object.fromEntries(spec.columns.map((c, j) => [c, row[j] ?? ''])));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw fail(`line ${i + 2}, column ${String(issue?.path[0])}: ${issue?.message}`);
    }
    return parsed.data as OutputRow<F>;
  });
}

/**
 * Reads and validates every analytics export in `dir` (`<lake>/analytics_outputs` by default).
 * The dashboard is built from these files only, so a local and an AWS export give the same page.
 * A missing, empty or off-contract file is an OpsError naming the file.
 */
export async function readOutputs(dir: string): Promise<Outputs> {
  const read = await Promise.allSettled(
    CSV_EXPORTS.map(async (spec) => {
      const file = path.join(dir, spec.file);
      const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') throw new OpsError('DASHBOARD_MISSING_OUTPUT', `${file} not found`, hint);
        throw err;
      });
      return [spec.file, parseOutput(spec, text)] as const;
    }),
  );
  // The first problem in the contract's order, not the first read to fail: the same on every run.
  const entries = read.map((r) => {
    if (r.status === 'rejected') throw r.reason;
    return r.value;
  });
  return Object.fromEntries(entries) as Outputs;
}

const dbtCounts = z.object({
  passed: z.number().int(),
  warned: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
});
const runMetadataSchema = z.object({
  refreshed_at: z.string(),
  last_etl_run: z.string().nullable(),
  dbt: z
    .object({
      generated_at: z.string(),
      started_at: z.string().optional(),
      models: dbtCounts,
      data_tests: dbtCounts,
      unit_tests: dbtCounts,
      problems: z.array(z.object({ name: z.string(), status: z.string() })),
    })
    .nullable(),
}) satisfies z.ZodType<RunMetadata>;

/**
 * Reads `run_metadata.json` beside the CSVs (freshness, dbt results). Null when the export has
 * none (an export from before it existed): the data-quality section then says so. A file that
 * is there but off its contract is an OpsError, like a bad CSV.
 */
export async function readRunMetadata(dir: string): Promise<RunMetadata | null> {
  const file = path.join(dir, RUN_METADATA_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new OpsError('DASHBOARD_BAD_OUTPUT', `${RUN_METADATA_FILE}: not valid JSON`, hint, { cause: err });
  }
  const parsed = runMetadataSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OpsError(
      'DASHBOARD_BAD_OUTPUT',
      `${RUN_METADATA_FILE}: ${issue?.path.join('.')}: ${issue?.message}`,
      hint,
    );
  }
  return parsed.data;
}
