import { stringify } from 'csv-stringify/sync';
import type { SqlRow, SqlValue } from '../engines/query-engine.js';

/** A value a query returned that the CSV contract cannot represent exactly. */
export class CsvValueError extends Error {
  override readonly name = 'CsvValueError';
  readonly code = 'CSV_VALUE';
}

/**
 * One CSV field from an engine value: exact decimals and dates pass through as the engine
 * printed them, NULL becomes the empty field. A non-integer JS number means the view returned
 * a DOUBLE, which cannot be exported exactly: it is refused rather than rounded here.
 */
export function csvField(value: SqlValue | undefined, column: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new CsvValueError(`column ${column} holds the float ${value}; the view must return a DECIMAL`);
    }
    return String(value);
  }
  if (typeof value === 'boolean') throw new CsvValueError(`column ${column} holds a boolean`);
  return value;
}

/**
 * Renders rows as RFC 4180 CSV with a header, the given columns in order, `\n` line ends,
 * quoting only fields that need it (`,`, `"`, line breaks). Missing columns are an error.
 */
export function toCsv(columns: readonly string[], rows: readonly SqlRow[]): string {
  const records = rows.map((row) =>
    columns.map((column) => {
      if (!(column in row)) throw new CsvValueError(`the query returned no column ${column}`);
      return csvField(row[column], column);
    }),
  );
  return stringify([columns as string[], ...records], { record_delimiter: '\n' });
}
