/**
 * `npm run mutation` in slices. A run of everything takes hours on a small machine, and Stryker
 * writes its results (the incremental file and the reports) only when a run ends: an interrupted
 * run kept nothing. So the script runs Stryker once per slice of files and merges each slice's
 * results into the one incremental file as soon as the slice ends. A rerun reuses every result
 * whose code and tests are unchanged, and an interrupted run loses only its current slice.
 */

/** A mutation-testing-report-schema report (Stryker's JSON and incremental files), loosely typed. */
export interface MutationReportFile {
  files: Record<string, unknown>;
  testFiles?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * Consecutive groups of `files` (in the given order), each closed once it holds `maxLines` lines
 * or more. Lines stand in for mutants (about 0.8 a line here), which are known only after
 * instrumenting.
 */
export function planSlices(files: readonly { file: string; lines: number }[], maxLines: number): string[][] {
  const slices: string[][] = [];
  let current: string[] = [];
  let lines = 0;
  for (const f of files) {
    current.push(f.file);
    lines += f.lines;
    if (lines >= maxLines) {
      slices.push(current);
      current = [];
      lines = 0;
    }
  }
  if (current.length) slices.push(current);
  return slices;
}

/**
 * `base` with the results of `slice` put in: a slice's report replaces the results of the files it
 * mutated (`mutated`; all of its files when not given: Stryker also carries over, unchanged, the
 * results of files it read from the incremental file) and of the tests it ran; the rest stays.
 */
export function mergeReports(
  base: MutationReportFile | undefined,
  slice: MutationReportFile,
  mutated?: readonly string[],
): MutationReportFile {
  const fresh = mutated ? onlyFiles(slice, mutated).files : slice.files;
  return {
    ...(base ?? {}),
    ...slice,
    files: { ...(base?.files ?? {}), ...fresh },
    testFiles: { ...(base?.testFiles ?? {}), ...(slice.testFiles ?? {}) },
  };
}

/** `report` without the results of files that are no longer mutated (deleted, or left out). */
export function onlyFiles(report: MutationReportFile, files: readonly string[]): MutationReportFile {
  const keep = new Set(files);
  return { ...report, files: Object.fromEntries(Object.entries(report.files).filter(([f]) => keep.has(f))) };
}
