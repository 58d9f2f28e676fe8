/** A count for people: `1198037` -> `1,198,037` (summaries and progress lines). */
export const formatCount = (v: number): string => v.toLocaleString('en-US');

/** Milliseconds since `start` as "1.23 s". */
export const elapsed = (start: number): string => `${((performance.now() - start) / 1000).toFixed(2)} s`;

/**
 * The summary line of a run's worker processes: how many, the busiest one's peak RSS (MiB) and
 * their CPU seconds, which the parent's own CPU time leaves out.
 */
export const describeWorkers = (workers: number, maxRssBytes = 0, cpuSeconds = 0): string =>
  `${workers}, peak RSS of the busiest ${(maxRssBytes / 2 ** 20).toFixed(0)} MiB, CPU ${cpuSeconds.toFixed(1)} s`;

/** Prints a command's closing summary: a title line, then aligned `key: value` lines. */
export function printSummary(title: string, fields: Record<string, string | number>): void {
  const width = Math.max(...Object.keys(fields).map((k) => k.length));
  const lines = Object.entries(fields).map(([k, v]) => `  ${k.padEnd(width)}  ${v}`);
  process.stdout.write(`${title}\n${lines.join('\n')}\n`);
}

/** Inside `ops pipeline`: progress shows as one live terminal line instead of a line per event. */
let compact = false;

/**
 * Progress line on stderr (kept off stdout so summaries stay machine-readable). Within
 * `compactProgress`, each line replaces the previous one on a terminal and is dropped when stderr
 * is a pipe or a file: the pipeline's step headers and summary already say what happened, and a
 * first `npm start` stays a screenful.
 */
export function progress(message: string): void {
  if (!compact) {
    process.stderr.write(`${message}\n`);
    return;
  }
  if (!process.stderr.isTTY) return;
  const width = Math.max(20, (process.stderr.columns ?? 100) - 1);
  process.stderr.write(`\r\x1b[K${message.trim().slice(0, width)}`);
}

/** Runs `work` with compact progress (see `progress`), clearing the live line after it. */
export async function compactProgress<T>(work: () => Promise<T>): Promise<T> {
  compact = true;
  try {
    return await work();
  } finally {
    compact = false;
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  }
}
