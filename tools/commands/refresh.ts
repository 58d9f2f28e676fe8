import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { OpsError } from '../../contracts/ops-error.js';
import { buildIdOf, RECOVERS_BUILD_ENV } from '../../contracts/refresh-recovery.js';
import { type KeptLease, keepLease } from '../../lambda/core/lease.js';
import { removeAbandonedStaging, stagingFor } from '../exports/publish-local.js';
import type { Published } from '../exports/published.js';
import type { LakeOptions } from '../lib/options.js';
import { REFRESH_LOCK_TTL_MS, type RefreshLock } from '../lib/refresh-lock.js';
import { elapsed, printSummary, progress } from '../lib/report.js';
import { targetFor, withTargetOptions } from '../targets/registry.js';
import type { Target } from '../targets/target.js';
import { createViewsOn } from './create-views.js';
import { buildLakeDashboard } from './dashboard.js';
import { exportOutputsOn } from './export-outputs.js';
import { describeTransform, runTransform } from './transform.js';

/** The steps of `ops refresh`, in order: catalog new data, rebuild the marts, publish their results. */
export const REFRESH_STEPS = [
  'crawl',
  'create-views',
  'transform',
  'export-outputs',
  'dashboard',
  'publish',
] as const;
export type RefreshStep = (typeof REFRESH_STEPS)[number];

/** What one refresh step is given: the target, the command's arguments, the staging folders, the run. */
export interface StepContext {
  target: Target;
  opts: LakeOptions;
  staged: Published;
  runId: string;
}

/** What each step does (tests replace them: `runRefresh`, `refreshRound`). */
export type RefreshSteps = Record<RefreshStep, (c: StepContext) => Promise<string>>;

/** Each step returns its one-line result. Results are built in `staged`; only `publish` replaces published ones. */
const STEPS: RefreshSteps = {
  crawl: async ({ target, opts }) => (await target.crawl(opts)).line,
  'create-views': async ({ opts }) => {
    const r = await createViewsOn(opts);
    return `${r.views.length} views from ${r.files} files`;
  },
  transform: async ({ target, opts }) => {
    await target.dbt.configure(opts);
    return describeTransform(await runTransform(opts));
  },
  'export-outputs': async ({ opts, staged }) => {
    const r = await exportOutputsOn({ ...opts, out: staged.csvDir });
    return `${r.files.length} CSVs from the marts`;
  },
  dashboard: async ({ target, opts, staged }) => {
    const d = await buildLakeDashboard({
      target: target.name,
      lake: opts.lake,
      from: staged.csvDir,
      out: staged.dashboardDir,
      // its links are seen from where it is published, not from its staging folder
      publishedDir: target.published(opts).dashboardDir,
    });
    return `${d.pdfPages}-page dashboard, data as of ${d.asOf.slice(0, 7)}`;
  },
  publish: async ({ target, opts, staged, runId }) => (await target.publish(opts, staged, runId)).line,
};

/**
 * The refresh lock's holder: the run, 8 random hex digits (unique per run: a holder taking "its
 * own" lock back must not take another run's), and the runner's build it runs in, if any.
 */
export const refreshHolder = (runId: string, build?: string): string =>
  `refresh ${runId} ${randomUUID().slice(0, 8)}${build ? ` (build ${build})` : ''}`;

/** Whether a lock's holder is a refresh that ran in the build `idOrArn` (`refreshHolder`). */
export const heldByBuild = (holder: string, idOrArn: string): boolean =>
  holder.endsWith(` (build ${buildIdOf(idOrArn)})`);

/** A run's id: its UTC start to the second, `2026-12-01T221500Z` (sorts by time, safe in keys). */
export const refreshRunId = (at: Date): string =>
  `${at
    .toISOString()
    .replace(/[:-]|\.\d+/g, '')
    .slice(0, 15)}Z`;

/** What a refresh did: each step's line, in order (of its last round). */
export interface RefreshResult {
  runId: string;
  steps: { step: RefreshStep; line: string; seconds: number }[];
  /** How many times the steps ran: more than one when facts were written during a round. */
  rounds: number;
  /** Facts written after the last round started (only when the round limit was reached). */
  newerFactsAt?: Date;
  /**
   * Another refresh held the lock (aws): this one ran nothing and asked it for one more pass,
   * which covers the data this one was started for.
   */
  deferredTo?: { holder: string; since: string };
  /**
   * Requests for another pass may be left to the next trigger or the daily schedule: more came
   * than `MAX_REFRESH_PASSES` serve, or the lock could not be released or looked at after publishing.
   */
  requestsLeft?: RequestsLeft;
}

/**
 * Rounds one refresh may run. A round that started before the newest fact file was written may
 * have missed it (the ETL wrote during crawl or transform), so the refresh runs again; the limit
 * stops a refresh from chasing a steady stream of uploads (the next trigger picks those up).
 */
export const MAX_REFRESH_ROUNDS = 3;

/**
 * Runs `round` until no facts were written after the round started, at most `maxRounds` times.
 * `factsWrittenAt` is undefined for targets that cannot tell: one round.
 */
export async function refreshUntilSettled<T>(
  round: (startedAt: Date) => Promise<T>,
  factsWrittenAt: (() => Promise<Date | undefined>) | undefined,
  { maxRounds = MAX_REFRESH_ROUNDS, clock = () => new Date() } = {},
): Promise<{ result: T; rounds: number; newerFactsAt?: Date }> {
  for (let rounds = 1; ; rounds++) {
    const startedAt = clock();
    const result = await round(startedAt);
    const written = await factsWrittenAt?.();
    // S3 keeps LastModified in whole seconds: a write in the round's first second counts as later
    if (!written || written.getTime() < wholeSecond(startedAt)) return { result, rounds };
    if (rounds >= maxRounds) return { result, rounds, newerFactsAt: written };
    progress(
      `refresh: facts written at ${written.toISOString()}, after this round started: refreshing again`,
    );
  }
}

const wholeSecond = (at: Date): number => Math.floor(at.getTime() / 1000) * 1000;

/**
 * Passes one refresh may run for requests that came while it ran; beyond them the next trigger
 * or the daily schedule serves the rest (a build must end within its timeout).
 */
export const MAX_REFRESH_PASSES = 3;

/** Why requests made while a refresh ran may be left to the next trigger or the daily schedule. */
export type RequestsLeft =
  /** More came than `MAX_REFRESH_PASSES` serve. */
  | 'passes'
  /** The lock or the request object could not be read or written after publishing. */
  | 'lock-unreachable';

/**
 * Tries to release the refresh lock, 2, 4 and 8 s apart, before leaving it to expire. Each try is
 * one `lock.release`, which itself deletes again while it loses races (`releaseLease`, 5 deletes).
 */
const RELEASE_TRIES = 4;

/**
 * Runs `refresh` holding `lock`, so that one refresh at a time builds and publishes. A refresh
 * that finds the lock held asks the holder for one more pass (`markPending`) and ends; the
 * holder notes the latest request before each pass and, once it has released the lock, runs
 * another pass if a newer request came meanwhile (the store's tokens only: no clocks compared).
 * Each side looks at the other's object after writing its own (request, then lock; release, then
 * request), so a request is never missed: either the requester sees the lock free and takes it,
 * or the holder sees the request. The holder renews the lock while it works (`keepLease`), and
 * `refresh` is given that lease to check before it publishes. A lock found unrenewed (less than
 * a quarter of its TTL left: its holder died, or ended without releasing it) is waited for until
 * it lapses, then taken over, once; one whose holder is known dead (`isDead`: the failed build a
 * recovery build recovers) is taken over at once.
 *
 * Once a pass has published, trouble with the lock does not fail the refresh: a release is tried
 * again (`RELEASE_TRIES`); a lock still not released is looked at as if released (a request seen
 * is served by taking it back: `acquire` by its own holder), and otherwise expires one TTL after
 * its last renewal: refreshes started in the first three quarters of that defer to it, later
 * ones wait for it to lapse. Those deferred, and requests that cannot be looked at, are reported
 * (`requestsLeft`) for the next trigger or the daily schedule.
 */
export async function serializedRefresh<T>(
  lock: RefreshLock,
  holder: string,
  refresh: (lease: KeptLease) => Promise<T>,
  {
    maxPasses = MAX_REFRESH_PASSES,
    retryMs = 2_000,
    isDead,
  }: {
    maxPasses?: number;
    retryMs?: number;
    /** Whether a holder is known to have died (a recovery build: the build it recovers). */
    isDead?: (holder: string) => boolean;
  } = {},
): Promise<
  | { result: T; passes: number; requestsLeft?: RequestsLeft }
  | { deferredTo: { holder: string; since: string } }
> {
  // The latest request, noted before the lock is taken (a request made between this read and
  // the acquire only costs an extra pass); later passes take the request that started them.
  let seen: string | undefined;
  let token: string | undefined;
  let takenAt = Date.now();
  let waitedForLapse = false;
  let deadHolder: string | undefined;
  let takeovers = 0;
  // Times the lock was found held, takeovers of a dead holder's lock not counted.
  let looks = 0;
  while (token === undefined) {
    seen = await lock.pending();
    takenAt = Date.now();
    const got = await lock.acquire(holder, deadHolder === undefined ? undefined : { deadHolder });
    if (got.acquired) {
      token = got.token;
      break;
    }
    // A holder known dead will neither renew nor release: its lock is taken over at once (in the
    // version that names it, so a holder that took it meanwhile keeps it). A takeover whose
    // writes all lost races (S3's 409) is tried again, three times in all.
    const dead = isDead?.(got.holder) ?? false;
    if (dead && takeovers < 3) {
      takeovers++;
      deadHolder = got.holder;
      progress(`refresh: the lock is held by ${got.holder}, which failed: taking it over`);
      continue;
    }
    looks++;
    await lock.markPending();
    // A live holder renews every quarter of the TTL (a renewal that fails is tried a quarter
    // later), so its lock keeps about half its TTL even after one failed renewal; one with less
    // than a quarter left has missed two: its holder died, or ended without releasing it, and
    // will not serve this request. Wait for the lock to lapse and take it over, once (a lock that
    // still shows little left after that is deferred to), rather than leave the request to the
    // next trigger; the same for a dead holder whose takeovers all lost, whatever it has left.
    // Taking it over still needs it expired, so a holder that renews meanwhile keeps it, and this
    // refresh defers to it.
    const left = Date.parse(got.expiresAt) - Date.now();
    if (!waitedForLapse && (dead || left < lock.ttlMs / 4)) {
      waitedForLapse = true;
      progress(
        `refresh: the lock held by ${got.holder} ${dead ? 'could not be taken over' : 'has not been renewed'}; waiting ${Math.ceil(Math.max(0, left) / 1000)} s for it to lapse`,
      );
      await new Promise((r) => setTimeout(r, Math.max(0, left) + Math.min(1000, lock.ttlMs / 100)));
      continue;
    }
    if (looks >= 3 || (await lock.isHeld())) return { deferredTo: { holder: got.holder, since: got.since } };
  }
  /** Stops renewing and releases the lock; false if every try failed (the lock then expires). */
  const release = async (kept: KeptLease): Promise<boolean> => {
    const last = await kept.stop();
    for (let attempt = 1; ; attempt++) {
      try {
        await lock.release(last, holder);
        return true;
      } catch (err) {
        if (attempt >= RELEASE_TRIES) {
          progress(
            `refresh: the lock was not released (${(err as Error).message}); it expires ${Math.round(lock.ttlMs / 1000)} s after its last renewal`,
          );
          return false;
        }
        await new Promise((r) => setTimeout(r, retryMs * 2 ** (attempt - 1)));
      }
    }
  };
  for (let passes = 1; ; passes++) {
    const kept = keepLease(token, {
      ttlMs: lock.ttlMs,
      takenAt,
      renew: (t) => lock.renew(holder, t),
      onError: (err) =>
        progress(`refresh: the lock was not renewed (${(err as Error).message}); trying again`),
    });
    let result: T;
    try {
      result = await refresh(kept);
    } catch (err) {
      // the failure is what matters; a lock not released expires (`lock.ttlMs`)
      await release(kept);
      throw err;
    }
    // From here on this pass has published: trouble with the lock is reported, not thrown.
    const released = await release(kept);
    const unreachable = (err?: unknown) => {
      if (err) progress(`refresh: could not look for requests made while it ran (${(err as Error).message})`);
      return { result, passes, requestsLeft: 'lock-unreachable' as const };
    };
    let asked: string | undefined;
    let again: Awaited<ReturnType<RefreshLock['acquire']>>;
    try {
      asked = await lock.pending();
      if (asked === undefined || asked === seen) return released ? { result, passes } : unreachable();
      if (passes >= maxPasses) return released ? { result, passes, requestsLeft: 'passes' } : unreachable();
      // another refresh asked while this one ran; if a third took the lock meanwhile, it covers that
      takenAt = Date.now();
      again = await lock.acquire(holder);
    } catch (err) {
      return unreachable(err);
    }
    if (!again.acquired)
      // named as its own holder: the lock is still this refresh's, but could not be written
      return again.holder === holder ? unreachable() : { result, passes };
    token = again.token;
    seen = asked;
    progress('refresh: another refresh was started while this one ran: refreshing again');
  }
}

/**
 * Runs every refresh step on the target, building the CSVs and the dashboard in a staging folder
 * and publishing them only once all steps have succeeded: a failure leaves the previous published
 * results in place. Every step is idempotent, so re-running after a failure (or twice) is safe.
 * The staging folder is removed in every case. A failing step's OpsError is rethrown with the step named.
 * If the ETL wrote facts after a round started (a trigger that came during the build), the round
 * runs again, so the data that trigger announced is published (`refreshUntilSettled`).
 * A recovery build (`recovers`: the failed build it was started for) takes over at once a lock
 * that build left.
 * `target`, `steps`, `build` and `recovers` default to the command's and CodeBuild's; tests pass
 * their own.
 */
export async function runRefresh(
  opts: LakeOptions,
  now = new Date(),
  {
    target = targetFor(opts.target),
    steps = STEPS,
    build = process.env.CODEBUILD_BUILD_ID || undefined,
    recovers = process.env[RECOVERS_BUILD_ENV] || undefined,
  }: {
    target?: Target;
    steps?: RefreshSteps;
    /** The runner's build this refresh runs in (CodeBuild's `CODEBUILD_BUILD_ID`), named in the lock. */
    build?: string;
    /** The failed build this one was started to recover (`RECOVERS_BUILD_ENV`, its id or ARN). */
    recovers?: string;
  } = {},
): Promise<RefreshResult> {
  if (recovers) progress(`refresh: recovering build ${buildIdOf(recovers)}, which failed or timed out`);
  let first = true;
  let rounds = 0;
  const settle = async (lease?: KeptLease) => {
    const settled = await refreshUntilSettled(
      (startedAt) => {
        const runId = refreshRunId(first ? now : startedAt);
        first = false;
        return refreshRound(target, opts, runId, lease, steps);
      },
      target.factsWrittenAt ? () => target.factsWrittenAt!(opts) : undefined,
    );
    rounds += settled.rounds;
    return settled;
  };
  const lock = target.refreshLock?.(opts);
  const holder = refreshHolder(refreshRunId(now), build);
  const isDead = recovers ? (h: string) => heldByBuild(h, recovers) : undefined;
  const out = lock ? await serializedRefresh(lock, holder, settle, { isDead }) : { result: await settle() };
  if ('deferredTo' in out)
    return { runId: refreshRunId(now), steps: [], rounds: 0, deferredTo: out.deferredTo };
  const { result, newerFactsAt } = out.result;
  const left = 'requestsLeft' in out ? out.requestsLeft : undefined;
  return {
    ...result,
    rounds,
    ...(newerFactsAt ? { newerFactsAt } : {}),
    ...(left ? { requestsLeft: left } : {}),
  };
}

/**
 * One pass over every step, staged under `runId` and published at the end, if the refresh lock
 * (`lease`, where the target has one) is still safely this refresh's: one whose renewals failed
 * for most of a TTL could pass to another refresh, and two must not publish at once.
 * `stepsToRun` replaces the steps in tests.
 */
export async function refreshRound(
  target: Target,
  opts: LakeOptions,
  runId: string,
  lease?: KeptLease,
  stepsToRun: RefreshSteps = STEPS,
): Promise<Pick<RefreshResult, 'runId' | 'steps'>> {
  const staged = stagingFor(opts.lake, runId);
  const steps: RefreshResult['steps'] = [];
  // what refreshes stopped by a signal or killed left behind
  await removeAbandonedStaging(opts.lake);
  try {
    for (const step of REFRESH_STEPS) {
      if (step === 'publish' && lease && (lease.lost || Date.now() > lease.safeUntil))
        throw new OpsError(
          'REFRESH_LOCK_LOST',
          `refresh stopped before publish: the refresh lock ${lease.lost ? 'passed to another refresh' : 'was not renewed in time, and may pass to another refresh'}; nothing was published, the staged results are removed`,
          'the refresh holding the lock publishes the same data; if none is running, run `npx ops refresh --target aws` again',
        );
      progress(`refresh: ${step}`);
      const start = performance.now();
      const line = await stepsToRun[step]({ target, opts, staged, runId }).catch((err: unknown) => {
        if (err instanceof OpsError) {
          // before publish, whatever the step says it wrote was staged, and is removed below
          const kept = step === 'publish' ? '' : '; nothing was published, the staged results are removed';
          throw new OpsError(err.code, `refresh stopped at ${step}: ${err.message}${kept}`, err.hint, {
            cause: err,
          });
        }
        throw err;
      });
      steps.push({ step, line, seconds: (performance.now() - start) / 1000 });
    }
  } finally {
    await rm(path.dirname(staged.csvDir), { recursive: true, force: true });
  }
  return { runId, steps };
}

/** `ops refresh [--target local|aws]`: the unattended refresh the stack's runner runs after each load and daily. */
export const refreshCommand: CommandModule<object, LakeOptions> = {
  command: 'refresh',
  describe: `rebuild and publish the results from the data present now (${REFRESH_STEPS.join(', ')})`,
  builder: (y) =>
    withTargetOptions(y).epilogue(
      'Published results are replaced only when every step succeeded. Locally they are <lake>/analytics_outputs ' +
        'and <lake>/dashboard; on aws the analytics bucket (analytics_outputs/, reports/latest/, reports/<run>/).',
    ),
  handler: async (opts) => {
    const start = performance.now();
    const r = await runRefresh(opts);
    if (r.deferredTo) {
      printSummary(
        `refresh: another refresh is running (${r.deferredTo.holder}, since ${r.deferredTo.since})`,
        {
          next: 'it refreshes again when it ends, for the data this run was started for; nothing to do here',
        },
      );
      return;
    }
    const fields: Record<string, string> = Object.fromEntries(
      r.steps.map((s) => [s.step, `${s.line} (${s.seconds.toFixed(1)} s)`]),
    );
    if (r.rounds > 1) fields.rounds = `${r.rounds}: facts were written while a round ran`;
    if (r.requestsLeft) {
      fields.requests =
        r.requestsLeft === 'passes'
          ? `more refreshes were started than ${MAX_REFRESH_PASSES} passes serve; the next trigger or the daily schedule publishes their data`
          : `the refresh lock could not be released or looked at after publishing (see above): refreshes started during this one, or in the ${(REFRESH_LOCK_TTL_MS * 3) / 4 / 60_000} minutes after its last renewal, wait for the next trigger or the daily schedule`;
    }
    if (r.newerFactsAt) {
      fields.note = `facts written at ${r.newerFactsAt.toISOString()} are newer still; the next trigger publishes them`;
    }
    printSummary(`refresh ${r.runId} done in ${elapsed(start)}`, fields);
  },
};
