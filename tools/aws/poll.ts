import { setTimeout as sleep } from 'node:timers/promises';

/** How to poll a long-running AWS job (a crawl, an Athena query). */
export interface PollOptions {
  /** Milliseconds after which waiting stops with `WaitTimeoutError`. */
  timeoutMs: number;
  /** First pause between checks, ms; default 500. */
  initialDelayMs?: number;
  /** Longest pause between checks, ms; default 10,000. */
  maxDelayMs?: number;
}

/** Waiting for a job ran past its timeout; the job itself may still be running. */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
  readonly code = 'AWS_WAIT_TIMEOUT';
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    readonly lastState: string | undefined,
  ) {
    super(
      `${what} did not finish within ${(timeoutMs / 1000).toFixed(1)} s (last state ${lastState ?? 'unknown'})`,
    );
  }
}

/** Growth of the pause between checks: short jobs answer fast, long ones are not hammered. */
const BACKOFF_FACTOR = 1.6;

/**
 * Calls `check` until it reports done, pausing with exponential backoff in between (capped, and
 * never past the deadline). `check` returns the job's state and, once finished, its value.
 */
export async function pollUntil<T>(
  what: string,
  check: () => Promise<{ state: string; done: false } | { state: string; done: true; value: T }>,
  options: PollOptions,
): Promise<T> {
  const deadline = performance.now() + options.timeoutMs;
  let delay = options.initialDelayMs ?? 500;
  let state: string | undefined;
  for (;;) {
    const result = await check();
    if (result.done) return result.value;
    state = result.state;
    const left = deadline - performance.now();
    if (left <= 0) throw new WaitTimeoutError(what, options.timeoutMs, state);
    await sleep(Math.min(delay, left));
    delay = Math.min(delay * BACKOFF_FACTOR, options.maxDelayMs ?? 10_000);
  }
}
