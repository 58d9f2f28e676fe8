import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { capLines, changedLineRanges, strykerRange } from '../mutation/changed-lines.js';
import { folderScores, formatFolderScores, type MutationReport } from '../mutation/folder-scores.js';
import { CI_SAMPLE, fileOf, isMutated, MUTATED_FOLDERS, testsImporting } from '../mutation/scope.js';

/**
 * Mutation testing with StrykerJS.
 *   `npm run mutation [-- <stryker options>]`: everything stryker.config.mjs mutates, incremental;
 *     then the score per folder (lambda/core, contracts, tools/exports).
 *   `npm run mutation:ci`: the lines this branch changed since it left main (`git diff
 *     --unified=0 $(git merge-base main HEAD)`, uncommitted edits included) in the mutated folders,
 *     against the tests that import those files; the fixed sample (scope.ts) when it changed none.
 *     MUTATION_BASE names another base ref; at most MAX_CI_LINES changed lines, to stay within
 *     CI's 3-minute budget.
 *   `tsx tools/scripts/mutation.ts scores`: the per-folder table of the last full run's report.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const REPORT = path.join(root, 'reports', 'mutation', 'mutation.json');
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

function runFull(args: string[]): number {
  const code = stryker(args);
  return code === 0 ? printScores() : code;
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
else if (mode === 'full') process.exitCode = runFull(rest);
else if (mode === 'scores') process.exitCode = printScores();
else {
  console.error('usage: tsx tools/scripts/mutation.ts full [stryker options] | ci | scores');
  process.exitCode = 2;
}
