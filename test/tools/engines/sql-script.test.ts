import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSqlFile, SqlSyntaxError, splitSqlStatements } from '../../../tools/engines/sql-script.js';

describe('splitSqlStatements', () => {
  it('splits on semicolons and drops the closing semicolon', () => {
    const statements = splitSqlStatements('SELECT 1;\nSELECT 2;');

    expect(statements).toEqual([
      { text: 'SELECT 1', line: 1 },
      { text: 'SELECT 2', line: 2 },
    ]);
  });

  it('keeps semicolons inside string literals, quoted identifiers and comments', () => {
    const sql = [
      "SELECT 'a;b', 'it''s; fine' AS \"x;y\" -- trailing; comment",
      'FROM t /* block; comment */ WHERE 1 = 1;',
      'SELECT 2',
    ].join('\n');

    const statements = splitSqlStatements(sql);

    expect(statements).toHaveLength(2);
    expect(statements[0]?.text).toContain("'it''s; fine' AS \"x;y\"");
    expect(statements[0]?.text.endsWith('WHERE 1 = 1')).toBe(true);
    expect(statements[1]).toEqual({ text: 'SELECT 2', line: 3 });
  });

  it('starts a statement at its first token, after leading comments, and reports that line', () => {
    const statements = splitSqlStatements(
      '-- header\n\n/* about v */\nCREATE VIEW v AS SELECT 1;\n-- only a comment\n',
    );

    expect(statements).toEqual([{ text: 'CREATE VIEW v AS SELECT 1', line: 4 }]);
  });

  it('rejects an unterminated string literal', () => {
    expect(() => splitSqlStatements("SELECT 'open;")).toThrow(SqlSyntaxError);
  });

  it('rejects an unterminated block comment', () => {
    expect(() => splitSqlStatements('SELECT 1 /* open;')).toThrow(/unterminated block comment/);
  });
});

describe('readSqlFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sql-script-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('numbers the statements and names the view each one creates', async () => {
    const file = path.join(dir, 'views.sql');
    await writeFile(
      file,
      'CREATE OR REPLACE VIEW v_a AS SELECT 1;\nSELECT 2;\ncreate view "v_b" as select 3;\n',
    );

    const statements = await readSqlFile(file);

    expect(statements.map((s) => [s.file, s.index, s.line, s.creates])).toEqual([
      ['views.sql', 1, 1, 'v_a'],
      ['views.sql', 2, 2, undefined],
      ['views.sql', 3, 3, 'v_b'],
    ]);
  });

  it('names the file when it cannot split it', async () => {
    const file = path.join(dir, 'broken.sql');
    await writeFile(file, "SELECT 'open");

    await expect(readSqlFile(file)).rejects.toThrow(/broken\.sql: unterminated string literal/);
  });
});
