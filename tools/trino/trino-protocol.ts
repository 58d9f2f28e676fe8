import type { SqlValue } from '../engines/query-engine.js';

/** A result column as Trino's REST protocol describes it. */
export interface TrinoColumn {
  name: string;
  type: string;
  typeSignature?: { rawType: string };
}

/** Trino's failure report inside a query result. */
export interface TrinoFailure {
  message: string;
  errorName?: string;
  errorType?: string;
}

/** One page of `/v1/statement`: columns and rows appear on some pages, `nextUri` on all but the last. */
export interface TrinoPage {
  id: string;
  nextUri?: string;
  columns?: TrinoColumn[];
  /** Rows as JSON arrays; numbers arrive as their literal text (see `parseTrinoJson`). */
  data?: unknown[][];
  error?: TrinoFailure;
}

/**
 * Parses a Trino JSON body keeping every number literal as its exact text. BIGINT values beyond
 * 2^53 would lose digits in `JSON.parse`, and Node 20 has no access to a number's source text:
 * the literals are quoted first (outside string literals only), then parsed.
 */
export function parseTrinoJson(body: string): unknown {
  let out = '';
  let i = 0;
  while (i < body.length) {
    const ch = body[i] as string;
    if (ch === '"') {
      let j = i + 1;
      while (j < body.length && body[j] !== '"') j += body[j] === '\\' ? 2 : 1;
      out += body.slice(i, j + 1);
      i = j + 1;
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      let j = i + 1;
      while (j < body.length && /[0-9.eE+-]/.test(body[j] as string)) j += 1;
      out += `"${body.slice(i, j)}"`;
      i = j;
    } else {
      out += ch;
      i += 1;
    }
  }
  return JSON.parse(out);
}

const SMALL_INTEGERS = new Set(['tinyint', 'smallint', 'integer']);
const FLOATS = new Set(['real', 'double']);

/**
 * One value as the export layer expects it (as the DuckDB engine returns it): BIGINT and DECIMAL
 * as exact strings, INTEGER and smaller as numbers, DATE (`'2025-01-01'`) and TIMESTAMP as
 * Trino prints them, structured values as JSON text.
 */
export function toSqlValue(value: unknown, column: TrinoColumn): SqlValue {
  if (value === null || value === undefined) return null;
  const raw = column.typeSignature?.rawType ?? column.type.replace(/\(.*$/, '');
  if (SMALL_INTEGERS.has(raw) || FLOATS.has(raw)) return Number(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}
