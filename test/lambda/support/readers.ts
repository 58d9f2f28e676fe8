import { execFileSync } from 'node:child_process';
import { DuckDBInstance } from '@duckdb/node-api';
import { venvBin } from '../../../tools/scripts/ensure-python.js';

/** Runs SQL in a fresh in-memory DuckDB (session time zone UTC) and returns JSON-friendly rows. */
export async function duckRows(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    await connection.run("SET TimeZone = 'UTC'");
    return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

/** What pyarrow says about one Parquet file's columns (first row group). */
export interface PyarrowColumn {
  name: string;
  physical: string;
  logical: string;
  arrow: string;
  compression: string;
  encodings: string[];
  dictionary: boolean;
  /** OPTIONAL (may hold NULL) rather than REQUIRED: the column's max definition level is above 0. */
  optional: boolean;
  /** Page type from the Thrift header at `data_page_offset`: 0 = DATA_PAGE (v1), 3 = DATA_PAGE_V2. */
  dataPageType: number;
}

export interface PyarrowFile {
  rows: number;
  columns: PyarrowColumn[];
  /** The first row, values as strings. */
  first: Record<string, string>;
}

const SCRIPT = `
import json, sys
import pyarrow.parquet as pq
out = []
for path in sys.argv[1:]:
    f = pq.ParquetFile(path)
    md = f.metadata
    raw = open(path, 'rb').read()
    cols = []
    for i in range(md.num_columns):
        c = f.schema.column(i)
        chunk = md.row_group(0).column(i)
        o = chunk.data_page_offset
        # Thrift compact: field 1 (i32 type) header byte 0x15, then the zigzag varint of the type.
        assert raw[o] == 0x15, raw[o]
        cols.append({'name': c.name, 'physical': c.physical_type, 'logical': str(c.logical_type),
                     'arrow': str(f.schema_arrow.field(c.name).type), 'compression': chunk.compression,
                     'encodings': list(chunk.encodings), 'dictionary': chunk.has_dictionary_page,
                     'optional': c.max_definition_level > 0,
                     'dataPageType': raw[o + 1] >> 1})
    first = f.read_row_group(0).slice(0, 1).to_pylist()[0]
    out.append({'rows': md.num_rows, 'columns': cols, 'first': {k: str(v) for k, v in first.items()}})
print(json.dumps(out))
`;

/** Reads Parquet files with pyarrow from the project's pinned Python environment. */
export function pyarrowDescribe(files: string[]): PyarrowFile[] {
  const out = execFileSync(venvBin('dbt', 'python'), ['-c', SCRIPT, ...files], { encoding: 'utf8' });
  return JSON.parse(out) as PyarrowFile[];
}
