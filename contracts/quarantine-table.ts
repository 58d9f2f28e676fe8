import { LAKE } from './lake-layout.js';

/**
 * The catalog table over the ETL's quarantine files (`quarantine/store_sales/<source>.jsonl`, one
 * JSON object per rejected record, lambda/core/quarantine-writer.ts): the fields the data-quality
 * mart reads. `reason` is the primary reason code (kept by every quarantine record format).
 * Locally `ops crawl` registers it as a DuckDB view (tools/duckdb/quarantine-view.ts).
 */
export const QUARANTINE_TABLE = {
  name: 'quarantine_records',
  prefix: LAKE.quarantinePrefix,
  grain: 'one row per rejected record (line_number 0: the whole source file was rejected)',
  columns: [
    { name: 'source_key', kind: 'string', description: 'Raw object key the record came from.' },
    {
      name: 'line_number',
      kind: 'int32',
      description: 'Line (JSON Lines) or element (JSON array), 1-based; 0 for the whole file.',
    },
    {
      name: 'reason',
      kind: 'string',
      description: 'Primary reason code, e.g. invalid_json, schema_violation, duplicate_order_id.',
    },
    { name: 'message', kind: 'string', description: 'What was wrong, for a person.' },
  ],
} as const;
