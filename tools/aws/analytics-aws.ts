import { type CreateViewsResult, createViews, SQL_DIR } from '../catalog/create-views.js';
import { athenaEngineFor } from '../engines/athena-engine.js';
import { type ExportResult, exportOutputs } from '../exports/export-outputs.js';
import type { AthenaRunOptions } from './athena-query.js';
import type { AwsSession } from './session.js';

/**
 * `ops create-views --target aws`: every statement of sql/*.sql, in order, as one Athena query
 * each in the stack's workgroup and Glue database. A FAILED statement stops the run with
 * VIEW_FAILED naming the file, statement and Athena's reason.
 */
export function createViewsAws(
  session: AwsSession,
  options: Omit<AthenaRunOptions, 'timeoutMs'> = {},
  sqlDir: string = SQL_DIR,
): Promise<CreateViewsResult> {
  const engine = athenaEngineFor(session.config, session.clients, {
    ...options,
    timeoutMs: session.timeoutMs,
  });
  return createViews(engine, sqlDir);
}

/**
 * `ops export-outputs --target aws`: the export queries of tools/exports/outputs.ts through Athena,
 * written by the same code as locally, so the CSVs are byte-identical for the same data.
 */
export function exportOutputsAws(
  session: AwsSession,
  outDir: string,
  options: Omit<AthenaRunOptions, 'timeoutMs'> = {},
): Promise<ExportResult> {
  const engine = athenaEngineFor(session.config, session.clients, {
    ...options,
    timeoutMs: session.timeoutMs,
  });
  return exportOutputs(engine, outDir);
}
