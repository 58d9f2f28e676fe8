import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { QUALITY_VIEW_FILE, SQL_DIR, VIEW_FILES } from '../../tools/engines/create-views.js';
import { splitSqlStatements } from '../../tools/engines/sql-script.js';
import { venvBin } from '../../tools/scripts/ensure-python.js';

/**
 * The views must be one text for Athena v3 and DuckDB. This suite parses every statement with
 * sqlglot (the pinned .venv) in the Athena and Trino dialects; views-on-duckdb.test.ts runs them.
 */
interface ParsedStatement {
  ok: boolean;
  error?: string;
  kind?: string;
  /** Function calls sqlglot does not know in the dialect (e.g. DuckDB-only functions). */
  unknownFunctions?: string[];
}
interface ParsedFile {
  name: string;
  dialect: string;
  /** How many statements sqlglot itself finds in the whole file (-1: it cannot parse it). */
  count: number;
  statements: ParsedStatement[];
}

const PARSER = `
import json, sys, sqlglot
from sqlglot import exp
out = []
for f in json.load(sys.stdin):
    for dialect in ("athena", "trino"):
        try:
            count = len([s for s in sqlglot.parse(f["text"], read=dialect) if s is not None])
        except sqlglot.errors.ParseError:
            count = -1
        parsed = []
        for text in f["statements"]:
            try:
                tree = sqlglot.parse_one(text, read=dialect)
                kind = type(tree).__name__ + ":" + str(tree.args.get("kind") or "")
                unknown = sorted({a.name for a in tree.find_all(exp.Anonymous)})
                parsed.append({"ok": True, "kind": kind, "unknownFunctions": unknown})
            except sqlglot.errors.ParseError as e:
                parsed.append({"ok": False, "error": str(e).splitlines()[0]})
        out.append({"name": f["name"], "dialect": dialect, "count": count, "statements": parsed})
print(json.dumps(out))
`;

/** Parses files (split by the project's splitter) with sqlglot in both dialects. */
function parseWithSqlglot(files: { name: string; text: string }[]): ParsedFile[] {
  const input = files.map((f) => ({ ...f, statements: splitSqlStatements(f.text).map((s) => s.text) }));
  const res = spawnSync(venvBin('dbt', 'python'), ['-c', PARSER], {
    input: JSON.stringify(input),
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`sqlglot failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as ParsedFile[];
}

/** Trino-only or DuckDB-only spellings that have no common meaning on both engines. */
const NOT_PORTABLE = [
  /\bdate_parse\s*\(/i,
  /\bformat\s*\(/i,
  /\bfrom_iso8601_\w+\s*\(/i,
  /\bdate_add\s*\(/i,
  /\bstrftime\s*\(/i,
  /::/,
  /\bgroup\s+by\s+all\b/i,
  /\bexclude\s*\(/i,
];

describe('sql/*.sql in the Athena / Trino dialects', () => {
  let files: { name: string; text: string }[];
  let parsed: ParsedFile[];
  beforeAll(async () => {
    files = await Promise.all(
      // the quality view too: it runs only where the quarantine table is catalogued, but it must
      // be one text for both engines like the others
      [...VIEW_FILES, QUALITY_VIEW_FILE].map(async (name) => ({
        name,
        text: await readFile(path.join(SQL_DIR, name), 'utf8'),
      })),
    );
    parsed = parseWithSqlglot(files);
  });

  it('parses every statement as CREATE VIEW in both dialects', () => {
    for (const file of parsed) {
      for (const [i, s] of file.statements.entries()) {
        expect(s, `${file.name} statement ${i + 1} (${file.dialect})`).toMatchObject({
          ok: true,
          kind: 'Create:VIEW',
        });
      }
    }
  });

  it('calls only functions sqlglot knows in both dialects', () => {
    const unknown = parsed.flatMap((f) => f.statements.flatMap((s) => s.unknownFunctions ?? []));

    expect(unknown).toEqual([]);
  });

  it('splits each file into the statements sqlglot finds', () => {
    for (const file of parsed) expect(file.statements.length, file.name).toBe(file.count);
  });

  it('avoids engine-specific spellings', () => {
    for (const file of files) {
      for (const pattern of NOT_PORTABLE) expect(file.text, `${file.name}: ${pattern}`).not.toMatch(pattern);
    }
  });

  it('flags a statement that does not parse and a DuckDB-only function', () => {
    const [result] = parseWithSqlglot([
      {
        name: 'bad.sql',
        text: 'CREATE VIEW v AS SELECT FROM WHERE;\nCREATE VIEW w AS SELECT list_sum(x) FROM t;',
      },
    ]);

    expect(result?.statements[0]?.ok).toBe(false);
    expect(result?.statements[1]?.unknownFunctions).toEqual(['list_sum']);
  });
});
