import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../lib/fs-atomic.js';
import { capLines, changedLineRanges, strykerRange } from '../mutation/changed-lines.js';
import { folderScores, formatFolderScores, type MutationReport } from '../mutation/folder-scores.js';
import {
  CI_SAMPLE,
  fileOf,
  isMutated,
  MUTATED_FOLDERS,
  mutatedFiles,
  testsImporting,
} from '../mutation/scope.js';
import { type MutationReportFile, mergeReports, onlyFiles, planSlices } from '../mutation/slices.js';

/**
 * Mutation testing with StrykerJS.
 *   `npm run mutation [-- <stryker options>]`: everything stryker.config.mjs mutates, incremental,
 *     in slices of about SLICE_LINES lines (tools/mutation/slices.ts: each slice's results are
 *     kept as soon as it ends); then the score per folder (lambda/core, contracts, tools/exports).
 *     With `--mutate`, just those files, in one slice.
 *   `npm run mutation:ci`: the lines this branch changed since it left main (`git diff
 *     --unified=0 $(git merge-base main HEAD)`, uncommitted edits included) in the mutated folders,
 *     against the tests that import those files; the fixed sample (scope.ts) when it changed none.
 *     MUTATION_BASE names another base ref; at most MAX_CI_LINES changed lines, to stay within
 *     CI's 3-minute budget.
 *   `tsx tools/scripts/mutation.ts scores`: the per-folder table of the last full run's report.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const REPORT = path.join(root, 'reports', 'mutation', 'mutation.json');
/** Every result so far, merged slice by slice; also what Stryker's incremental mode reads. */
const INCREMENTAL = path.join(root, 'reports', 'stryker-incremental.json');
/** Where one slice's Stryker run reads and writes its incremental report. */
const SLICE_INCREMENTAL = path.join(root, 'reports', 'mutation', 'slice-incremental.json');
/** About 400 mutants: 5-30 minutes a slice on 2 cores, after ~30 s of start-up each. */
const SLICE_LINES = 500;
/** About one mutant per changed line, ~2.5 s each on a loaded 2-core machine, after ~45 s start-up. */
const MAX_CI_LINES = 50;

function git(args: string[]): string | null {
  const res = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  return res.status === 0 ? res.stdout : null;
}

function stryker(args: string[], env: NodeJS.ProcessEnv = {}): number {
  const bin = path.join(root, 'node_modules', '.bin', 'stryker');
  const res = spawnSync(bin, ['run', ...args], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  return res.status ?? 1;
}

/** The commit the branch left its base at, trying $MUTATION_BASE, main, then origin/main. */
function mergeBase(): string | null {
  for (const ref of [process.env.MUTATION_BASE, 'main', 'origin/main']) {
    if (!ref) continue;
    const sha = git(['merge-base', ref, 'HEAD'])?.trim();
    if (sha) return sha;
  }
  return null;
}

/** Prints the score per folder of the last full run's JSON report. */
function printScores(): number {
  if (!existsSync(REPORT)) {
    console.error(`no report at ${path.relative(root, REPORT)}: run \`npm run mutation\` first`);
    return 1;
  }
  const report = JSON.parse(readFileSync(REPORT, 'utf8')) as MutationReport;
  console.log(`\nMutation score per folder (killed or timed out / all that ran or had no test):\n`);
  console.log(formatFolderScores(folderScores(report, MUTATED_FOLDERS)));
  return 0;
}

const readReport = (file: string): MutationReportFile | undefined =>
  existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as MutationReportFile) : undefined;

async function runFull(args: string[]): Promise<number> {
  const files = mutatedFiles(root);
  const explicit = args.some((a) => a === '--mutate' || a.startsWith('--mutate='));
  const slices: (string[] | undefined)[] = explicit
    ? [undefined]
    : planSlices(
        files.map((file) => ({
          file,
          lines: readFileSync(path.join(root, file), 'utf8').split('\n').length,
        })),
        SLICE_LINES,
      );
  let merged = readReport(INCREMENTAL);
  for (const [i, slice] of slices.entries()) {
    if (slice) console.log(`\n== mutation: slice ${i + 1} of ${slices.length}: ${slice.join(', ')}`);
    mkdirSync(path.dirname(SLICE_INCREMENTAL), { recursive: true });
    if (merged) copyFileSync(INCREMENTAL, SLICE_INCREMENTAL);
    else rmSync(SLICE_INCREMENTAL, { force: true });
    const code = stryker([...args, ...(slice ? ['--mutate', slice.join(',')] : [])], {
      MUTATION_INCREMENTAL_FILE: SLICE_INCREMENTAL,
    });
    if (code !== 0) return code;
    const result = readReport(SLICE_INCREMENTAL);
    if (!result) throw new Error(`Stryker wrote no report to ${path.relative(root, SLICE_INCREMENTAL)}`);
    merged = mergeReports(merged, result, slice);
    await writeFileAtomic(INCREMENTAL, JSON.stringify(merged));
  }
  if (merged) await writeFileAtomic(REPORT, JSON.stringify(onlyFiles(merged, files)));
  return printScores();
}

function runCi(): number {
  const base = mergeBase();
  const diff = base
    ? git(['diff', '--unified=0', '--no-color', '--no-ext-diff', base, '--', ...MUTATED_FOLDERS])
    : null;
  const ranges = changedLineRanges(diff ?? '').filter((r) => isMutated(r.file));
  let mutate: string[];
  let files: string[];
  if (ranges.length === 0) {
    mutate = [...CI_SAMPLE];
    files = mutate.map(fileOf);
    console.log(
      `mutation:ci: ${base ? 'no change to mutated code since main' : 'no main to compare with'}; the fixed sample: ${mutate.join(', ')}`,
    );
  } else {
    const { kept, leftOut } = capLines(ranges, MAX_CI_LINES);
    files = [...new Set(kept.map((r) => r.file))];
    mutate = kept.map(strykerRange);
    console.log(`mutation:ci: the lines changed since main: ${mutate.join(', ')}`);
    if (leftOut)
      console.log(`mutation:ci: ${leftOut} further changed lines left out (budget ${MAX_CI_LINES} lines)`);
  }
  const tests = testsImporting(root, files);
  console.log(`mutation:ci: tests: ${tests.join(', ') || '(none import these files)'}`);
  return stryker(['stryker.ci.config.mjs', '--mutate', mutate.join(',')], {
    MUTATION_TESTS: tests.join(','),
  });
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'ci') process.exitCode = runCi();
else if (mode === 'full') process.exitCode = await runFull(rest);
else if (mode === 'scores') process.exitCode = printScores();
else {
  console.error('usage: tsx tools/scripts/mutation.ts full [stryker options] | ci | scores');
  process.exitCode = 2;
}
