/**
 * Mutation scores per folder from StrykerJS's JSON report (reports/mutation/mutation.json, the
 * mutation-testing-report-schema). Stryker's clear-text table is per file; the folders are what
 * the targets are set for (lambda/core >= 80 % killed).
 */

/** The part of one mutant of the JSON report that the score needs. */
export interface ReportMutant {
  status: string;
  mutatorName: string;
  location: { start: { line: number } };
}

/** The part of the JSON report that the score needs. */
export interface MutationReport {
  files: Record<string, { mutants: ReportMutant[] }>;
}

export interface FolderScore {
  folder: string;
  killed: number;
  /** A mutant the tests ran against and passed with. */
  survived: number;
  /** A mutant no test reaches. */
  noCoverage: number;
  /** Killed / (killed + survived + no coverage), in %; null when there is nothing to score. */
  score: number | null;
}

/** Detected: a test failed (Killed) or the mutant hung (Timeout), as Stryker counts them. */
const DETECTED = new Set(['Killed', 'Timeout']);

/**
 * The folder a file's score counts towards: the first of `folders` it lies under, else its
 * own directory. Paths are the report's, relative to the project and with `/`.
 */
export function folderOf(file: string, folders: readonly string[]): string {
  const hit = folders.find((f) => file.startsWith(`${f}/`));
  return hit ?? file.slice(0, Math.max(file.lastIndexOf('/'), 0));
}

/**
 * One row per folder, sorted by name. Compile errors, runtime errors and ignored mutants (the
 * static ones) are no test's business and count nowhere, as in Stryker's own score.
 */
export function folderScores(report: MutationReport, folders: readonly string[]): FolderScore[] {
  const rows = new Map<string, FolderScore>();
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const folder = folderOf(file.replaceAll('\\', '/'), folders);
    const row = rows.get(folder) ?? { folder, killed: 0, survived: 0, noCoverage: 0, score: null };
    for (const m of mutants) {
      if (DETECTED.has(m.status)) row.killed += 1;
      else if (m.status === 'Survived') row.survived += 1;
      else if (m.status === 'NoCoverage') row.noCoverage += 1;
    }
    rows.set(folder, row);
  }
  return [...rows.values()]
    .map((r) => {
      const scored = r.killed + r.survived + r.noCoverage;
      return { ...r, score: scored ? (100 * r.killed) / scored : null };
    })
    .sort((a, b) => a.folder.localeCompare(b.folder));
}

/** The table `npm run mutation` prints after Stryker's own report. */
export function formatFolderScores(rows: readonly FolderScore[]): string {
  const header = ['folder', 'killed', 'survived', 'no coverage', 'score'];
  const body = rows.map((r) => [
    r.folder,
    String(r.killed),
    String(r.survived),
    String(r.noCoverage),
    r.score === null ? 'n/a' : `${r.score.toFixed(1)} %`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
      .join('  ');
  return [line(header), ...body.map(line)].join('\n');
}
