import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isMutated, mutatedFiles } from '../../../tools/mutation/scope.js';
import { mergeReports, onlyFiles, planSlices } from '../../../tools/mutation/slices.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('mutation slices', () => {
  it('groups files in order, closing a slice once it reaches the line budget', () => {
    const files = [
      { file: 'a.ts', lines: 300 },
      { file: 'b.ts', lines: 250 },
      { file: 'c.ts', lines: 100 },
      { file: 'd.ts', lines: 900 },
      { file: 'e.ts', lines: 10 },
    ];
    expect(planSlices(files, 500)).toEqual([['a.ts', 'b.ts'], ['c.ts', 'd.ts'], ['e.ts']]);
    expect(planSlices(files, 100)).toEqual([['a.ts'], ['b.ts'], ['c.ts'], ['d.ts'], ['e.ts']]);
    expect(planSlices([], 500)).toEqual([]);
  });

  it('puts a slice into the merged results, replacing only its own files and tests', () => {
    const base = {
      schemaVersion: '1',
      files: { 'a.ts': { mutants: ['old a'] }, 'b.ts': { mutants: ['b'] } },
      testFiles: { 'a.test.ts': { tests: ['old'] }, 'b.test.ts': { tests: ['b'] } },
    };
    const slice = {
      schemaVersion: '2',
      files: { 'a.ts': { mutants: ['new a'] }, 'c.ts': { mutants: ['c'] } },
      testFiles: { 'a.test.ts': { tests: ['new'] } },
    };
    expect(mergeReports(base, slice)).toEqual({
      schemaVersion: '2',
      files: { 'a.ts': { mutants: ['new a'] }, 'b.ts': { mutants: ['b'] }, 'c.ts': { mutants: ['c'] } },
      testFiles: { 'a.test.ts': { tests: ['new'] }, 'b.test.ts': { tests: ['b'] } },
    });
    expect(mergeReports(undefined, slice)).toEqual({ ...slice, testFiles: slice.testFiles });
    // Stryker also carries over files it did not mutate: only the slice's own files replace
    expect(mergeReports(base, slice, ['c.ts']).files).toEqual({
      'a.ts': { mutants: ['old a'] },
      'b.ts': { mutants: ['b'] },
      'c.ts': { mutants: ['c'] },
    });
    expect(onlyFiles(mergeReports(base, slice), ['b.ts', 'c.ts']).files).toEqual({
      'b.ts': { mutants: ['b'] },
      'c.ts': { mutants: ['c'] },
    });
  });

  it('slices every mutated file of the project exactly once, the ETL core first', () => {
    const files = mutatedFiles(root);
    expect(files.every(isMutated)).toBe(true);
    expect(files).toContain('lambda/core/process-source.ts');
    expect(files).toContain('contracts/raw-order.ts');
    expect(files).not.toContain('lambda/core/parquet-worker.ts');
    expect(files[0]?.startsWith('lambda/core/')).toBe(true);
    const slices = planSlices(
      files.map((file) => ({ file, lines: 100 })),
      500,
    );
    expect(slices.flat()).toEqual(files);
    expect(slices.every((s) => s.length === 5 || s === slices.at(-1))).toBe(true);
  });
});
