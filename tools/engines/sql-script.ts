import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** One statement of a SQL file, with where it came from (for error messages). */
export interface SqlStatement {
  /** The file's base name, e.g. `bi_views.sql`. */
  file: string;
  /** 1-based position of the statement in its file. */
  index: number;
  /** 1-based line of the statement's first token. */
  line: number;
  /** The statement text without the closing semicolon and without leading comments. */
  text: string;
  /** The object it creates (`CREATE [OR REPLACE] VIEW name`), if any. */
  creates: string | undefined;
}

const CREATES = /^create\s+(?:or\s+replace\s+)?(?:view|table)\s+([\w."]+)/i;

/**
 * Splits a SQL script on the semicolons that end statements: those outside string literals
 * ('it''s;'), quoted identifiers ("a;b"), `--` line comments and block comments. Athena takes
 * one statement per request, so both engines run the statements one by one. Statements that
 * hold only comments are dropped.
 */
export function splitSqlStatements(sql: string): { text: string; line: number }[] {
  const statements: { text: string; line: number }[] = [];
  let start = -1; // offset of the current statement's first token, -1 while none
  let i = 0;
  const finish = (end: number) => {
    if (start >= 0) {
      const line = sql.slice(0, start).split('\n').length;
      statements.push({ text: sql.slice(start, end).trim(), line });
    }
    start = -1;
  };
  while (i < sql.length) {
    const ch = sql[i] as string;
    const next = sql[i + 1];
    if (ch === '-' && next === '-') {
      const eol = sql.indexOf('\n', i);
      i = eol < 0 ? sql.length : eol + 1;
    } else if (ch === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      if (close < 0) throw new SqlSyntaxError(`unterminated block comment at offset ${i}`);
      i = close + 2;
    } else if (ch === ';') {
      finish(i);
      i += 1;
    } else if (/\s/.test(ch)) {
      i += 1;
    } else {
      if (start < 0) start = i;
      i = ch === "'" || ch === '"' ? skipQuoted(sql, i) : i + 1;
    }
  }
  finish(sql.length);
  return statements;
}

/** Offset just past the quoted text opening at `open`; a doubled quote is an escaped quote. */
function skipQuoted(sql: string, open: number): number {
  const quote = sql[open];
  let i = open + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] !== quote) return i + 1;
      i += 2;
    } else {
      i += 1;
    }
  }
  throw new SqlSyntaxError(
    `unterminated ${quote === "'" ? 'string literal' : 'quoted identifier'} at offset ${open}`,
  );
}

/** A SQL file the splitter cannot read (an unterminated quote or comment). */
export class SqlSyntaxError extends Error {
  override readonly name = 'SqlSyntaxError';
  readonly code = 'SQL_SYNTAX';
}

/** Reads a SQL file and splits it into statements labelled with the file's name. */
export async function readSqlFile(file: string): Promise<SqlStatement[]> {
  const sql = await readFile(file, 'utf8');
  let statements: { text: string; line: number }[];
  try {
    statements = splitSqlStatements(sql);
  } catch (err) {
    throw new SqlSyntaxError(`${path.basename(file)}: ${(err as Error).message}`, { cause: err });
  }
  return statements.map((s, i) => ({
    file: path.basename(file),
    index: i + 1,
    line: s.line,
    text: s.text,
    creates: CREATES.exec(s.text)?.[1]?.replaceAll('"', ''),
  }));
}
