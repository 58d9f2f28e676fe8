import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OpsError } from '../../contracts/ops-error.js';
import type { QueryEngine } from './query-engine.js';
import { readSqlFile, type SqlStatement } from './sql-script.js';

/** The project's `sql/` folder. */
export const SQL_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'sql');

/** The view files in the order they must run: later files select from earlier ones' views. */
export const VIEW_FILES = ['base_views.sql', 'bi_views.sql', 'product_views.sql'] as const;

/**
 * Views over the quarantine table as well as the facts (`v_data_quality`): run last, and only on
 * a target whose crawl catalogs the quarantine files (`Target.catalogsQuarantine`).
 */
export const QUALITY_VIEW_FILE = 'quality_views.sql';

/** What `createViews` ran. */
export interface CreateViewsResult {
  files: number;
  statements: number;
  /** Views created, in creation order. */
  views: string[];
}

/** Reads every view file of `sqlDir` into statements, in run order. */
export async function readViewStatements(
  sqlDir: string = SQL_DIR,
  opts: { quality?: boolean } = {},
): Promise<SqlStatement[]> {
  const files = opts.quality ? [...VIEW_FILES, QUALITY_VIEW_FILE] : VIEW_FILES;
  const perFile = await Promise.all(files.map((f) => readSqlFile(path.join(sqlDir, f))));
  return perFile.flat();
}

/**
 * Runs the view files on an engine, one statement at a time (Athena accepts one per request),
 * atomically where the engine has transactions. A failing statement stops the run with an
 * OpsError naming its file, statement number, line and the engine's message.
 */
export async function createViews(
  engine: QueryEngine,
  sqlDir: string = SQL_DIR,
  opts: { quality?: boolean } = {},
): Promise<CreateViewsResult> {
  const statements = await readViewStatements(sqlDir, opts).catch((err: unknown) => {
    throw new OpsError(
      'VIEW_SQL_UNREADABLE',
      `cannot read the view files: ${(err as Error).message}`,
      undefined,
      {
        cause: err,
      },
    );
  });
  const run = async () => {
    for (const statement of statements) await execStatement(engine, statement);
  };
  await (engine.transaction ? engine.transaction(run) : run());
  return {
    files: VIEW_FILES.length + (opts.quality ? 1 : 0),
    statements: statements.length,
    views: statements.flatMap((s) => (s.creates ? [s.creates] : [])),
  };
}

async function execStatement(engine: QueryEngine, s: SqlStatement): Promise<void> {
  try {
    await engine.exec(s.text);
  } catch (err) {
    // a request AWS refused as such (a workgroup the stack lacks, no access), which the Athena
    // engine explained from the tagged SDK error, is not the statement's fault: it keeps its code
    if (err instanceof OpsError && (err.cause as { $request?: unknown } | undefined)?.$request) throw err;
    const what = s.creates ? ` (${s.creates})` : '';
    throw new OpsError(
      'VIEW_FAILED',
      `${s.file} statement ${s.index}${what}, line ${s.line}: ${engine.name} says: ${(err as Error).message}`,
      'fix the statement; if it names a fact table, run `npx ops crawl` first',
      { cause: err },
    );
  }
}
