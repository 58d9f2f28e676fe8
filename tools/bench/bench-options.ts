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
