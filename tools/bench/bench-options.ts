import { rm, rmdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** What `npm run bench` passes every part (see run.ts). */
export interface BenchOptions {
  /** Size of the generated input, where the part generates one (its own default otherwise). */
  orders?: number;
  /** Keep generated data in the OS temp folder (default: removed when the part ends). */
  keep: boolean;
  /** A lake to measure, for parts that read one (parquet); for `scale`, the folder its lake is made in. */
  lake?: string;
}

/** A part could not measure (a step failed, a prerequisite is missing): run.ts prints the message, no stack. */
export class BenchFailure extends Error {
  override readonly name = 'BenchFailure';
}

/** The folder the parts that generate their input share in the OS temp folder. */
const BENCH_DATA = 'store-sales-bench';

/** A part's generated data folder, `<tmp>/store-sales-bench/<name>`, kept between runs with --keep. */
export const benchDataDir = (name: string): string => path.join(os.tmpdir(), BENCH_DATA, name);

/**
 * Removes a part's data folder (`benchDataDir`), then the shared folder holding it if that is now
 * empty (another part's data may be kept there with --keep).
 */
export async function removeBenchData(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await rmdir(path.dirname(dir)).catch(() => undefined);
}
