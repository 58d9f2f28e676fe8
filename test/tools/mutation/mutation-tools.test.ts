import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { capLines, changedLineRanges, strykerRange } from '../../../tools/mutation/changed-lines.js';
import { folderOf, folderScores, formatFolderScores } from '../../../tools/mutation/folder-scores.js';
import {
  CI_SAMPLE,
  fileOf,
  isMutated,
  MUTATED_FOLDERS,
  NOT_MUTATED,
  testsImporting,
} from '../../../tools/mutation/scope.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The `mutate` of a StrykerJS config file (plain JS, so loaded by URL rather than typed import). */
const mutateOf = async (file: string): Promise<string[]> =>
  ((await import(pathToFileURL(path.join(root, file)).href)) as { default: { mutate: string[] } }).default
    .mutate;

describe('changedLineRanges', () => {
  it('takes the added and rewritten lines of each file, not the deleted-only hunks', () => {
    const diff = [
      'diff --git a/lambda/core/money.ts b/lambda/core/money.ts',
      '--- a/lambda/core/money.ts',
      '+++ b/lambda/core/money.ts',
      '@@ -16 +16 @@ export function toUsdCents(',
      '-  if (x) {',
      '+  if (y) {',
      '@@ -30,2 +29,0 @@',
      '-  a',
      '-  b',
      '@@ -40,0 +41,3 @@',
      '+a',
      '+b',
      '+c',
      'diff --git a/contracts/gone.ts b/contracts/gone.ts',
      '--- a/contracts/gone.ts',
      '+++ /dev/null',
      '@@ -1,3 +0,0 @@',
      'diff --git a/contracts/new.ts b/contracts/new.ts',
      '--- /dev/null',
      '+++ b/contracts/new.ts',
      '@@ -0,0 +1,2 @@',
    ].join('\n');

    expect(changedLineRanges(diff)).toEqual([
      { file: 'lambda/core/money.ts', start: 16, end: 16 },
      { file: 'lambda/core/money.ts', start: 41, end: 43 },
      { file: 'contracts/new.ts', start: 1, end: 2 },
    ]);
  });

  it('caps the lines to mutate, cutting the last range short, and counts what it left out', () => {
    const ranges = [
      { file: 'a.ts', start: 1, end: 10 },
      { file: 'b.ts', start: 5, end: 9 },
      { file: 'c.ts', start: 1, end: 1 },
    ];
    expect(capLines(ranges, 12)).toEqual({
      kept: [
        { file: 'a.ts', start: 1, end: 10 },
        { file: 'b.ts', start: 5, end: 6 },
      ],
      leftOut: 4,
    });
    expect(capLines(ranges, 100)).toEqual({ kept: ranges, leftOut: 0 });
    expect(strykerRange({ file: 'a.ts', start: 3, end: 7 })).toBe('a.ts:3-7');
  });
});

describe('folder scores', () => {
  const mutant = (status: string) => ({ status, mutatorName: 'x', location: { start: { line: 1 } } });

  it('counts killed and timed-out as detected, leaves errors and ignored out, per folder', () => {
    const report = {
      files: {
        'lambda/core/a.ts': { mutants: ['Killed', 'Killed', 'Survived', 'Timeout'].map(mutant) },
        'lambda/core/sub/b.ts': { mutants: ['NoCoverage', 'CompileError', 'Ignored'].map(mutant) },
        'contracts/c.ts': { mutants: ['RuntimeError'].map(mutant) },
        'tools/exports/d.ts': { mutants: ['Survived', 'Killed'].map(mutant) },
      },
    };
    const rows = folderScores(report, MUTATED_FOLDERS);

    expect(rows).toEqual([
      { folder: 'contracts', killed: 0, survived: 0, noCoverage: 0, score: null },
      { folder: 'lambda/core', killed: 3, survived: 1, noCoverage: 1, score: 60 },
      { folder: 'tools/exports', killed: 1, survived: 1, noCoverage: 0, score: 50 },
    ]);
    expect(formatFolderScores(rows).split('\n')).toEqual([
      'folder         killed  survived  no coverage   score',
      'contracts           0         0            0     n/a',
      'lambda/core         3         1            1  60.0 %',
      'tools/exports       1         1            0  50.0 %',
    ]);
    expect(folderOf('dashboards/kpis.ts', MUTATED_FOLDERS)).toBe('dashboards');
  });
});

describe('mutation scope', () => {
  it('is the one stryker.config.mjs mutates, and the CI sample lies inside it', async () => {
    expect(await mutateOf('stryker.config.mjs')).toEqual([
      ...MUTATED_FOLDERS.flatMap((f) =>
        f === 'lambda/core' ? [`${f}/**/*.ts`, ...NOT_MUTATED.map((n) => `!${n}`)] : [`${f}/**/*.ts`],
      ),
    ]);
    expect(await mutateOf('stryker.ci.config.mjs')).toEqual([...CI_SAMPLE]);
    for (const f of CI_SAMPLE) expect(isMutated(fileOf(f))).toBe(true);
    expect(fileOf('lambda/core/money.ts:14-38')).toBe('lambda/core/money.ts');
    expect(isMutated('lambda/core/parquet-worker.ts')).toBe(false);
    expect(isMutated('lambda/handler.ts')).toBe(false);
    expect(isMutated('tools/exports/csv.ts')).toBe(true);
  });

  it('finds the tests that import a file by resolving their relative imports', () => {
    expect(testsImporting(root, ['lambda/core/money.ts'])).toEqual(['test/lambda/core/money.test.ts']);
    const forProcessSource = testsImporting(root, ['lambda/core/process-source.ts']);
    expect(forProcessSource).toContain('test/lambda/core/process-source-guards.test.ts');
    // too slow to run once per mutant
    expect(forProcessSource).not.toContain('test/lambda/core/process-source-at-scale.test.ts');
    // no fast test imports the nested-object readers: the tests of the ETL modules that use them run instead
    const forReaders = testsImporting(root, ['lambda/core/order-object-readers.ts']);
    expect(forReaders).toContain('test/lambda/core/fast-order-parser.test.ts');
    expect(forReaders.every((t) => t.startsWith('test/lambda/') || t.startsWith('test/tools/exports/'))).toBe(
      true,
    );
  });
});
