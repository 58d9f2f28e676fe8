/**
 * The lines a change adds or rewrites, from `git diff --unified=0`, as StrykerJS mutate ranges
 * (`path:start-end`), so CI mutates what a branch touched rather than whole files.
 */

/** Lines `start..end` (1-based, inclusive) of `file` in the new version. */
export interface LineRange {
  file: string;
  start: number;
  end: number;
}

/** Every added or rewritten line range of `git diff --unified=0` output (deleted-only hunks have none). */
export function changedLineRanges(diff: string): LineRange[] {
  const ranges: LineRange[] = [];
  let file: string | null = null;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      const target = line.slice(4);
      file = target === '/dev/null' ? null : target.replace(/^b\//, '');
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (!hunk || file === null) continue;
    const start = Number(hunk[1]);
    const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
    if (count > 0) ranges.push({ file, start, end: start + count - 1 });
  }
  return ranges;
}

/**
 * The first ranges holding at most `maxLines` lines in all (the last one cut short if needed),
 * and how many changed lines were left out: CI's time budget is per mutant, and mutants grow
 * with lines.
 */
export function capLines(
  ranges: readonly LineRange[],
  maxLines: number,
): { kept: LineRange[]; leftOut: number } {
  const kept: LineRange[] = [];
  let room = maxLines;
  let leftOut = 0;
  for (const r of ranges) {
    const lines = r.end - r.start + 1;
    const take = Math.min(lines, room);
    if (take > 0) kept.push({ ...r, end: r.start + take - 1 });
    room -= take;
    leftOut += lines - take;
  }
  return { kept, leftOut };
}

/** A range in StrykerJS's `mutate` syntax. */
export const strykerRange = (r: LineRange): string => `${r.file}:${r.start}-${r.end}`;
