/** A count for people: `1198037` -> `1,198,037` (summaries and progress lines). */
export const formatCount = (v: number): string => v.toLocaleString('en-US');

/** Milliseconds since `start` as "1.23 s". */
export const elapsed = (start: number): string => `${((performance.now() - start) / 1000).toFixed(2)} s`;

/** Prints a command's closing summary: a title line, then aligned `key: value` lines. */
export function printSummary(title: string, fields: Record<string, string | number>): void {
  const width = Math.max(...Object.keys(fields).map((k) => k.length));
  const lines = Object.entries(fields).map(([k, v]) => `  ${k.padEnd(width)}  ${v}`);
  process.stdout.write(`${title}\n${lines.join('\n')}\n`);
}

/** Progress line on stderr (kept off stdout so summaries stay machine-readable). */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}
