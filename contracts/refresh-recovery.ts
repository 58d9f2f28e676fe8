/**
 * Recovering a refresh whose build did not succeed. The stack's `refresh-build-failed` rule
 * matches each build of the runner's project that CodeBuild reports complete and failed, faulted or
 * timed out (not one stopped: only a person stops a build), and starts a build of its twin, the
 * recovery project, with the failed build named in this variable (stacks/refresh-triggers.ts);
 * `ops refresh` then takes over at once the refresh lock the failed build left, which it would
 * never release (tools/commands/refresh.ts). The recovery project's own builds start nothing: one
 * recovery per failure, whatever step failed (an `npm ci` that fails before `ops refresh` starts
 * included), so a refresh that always fails does not loop; those that fail only reach a queue
 * that alarms (the `refresh-recovery-failed` rule).
 */
export const RECOVERS_BUILD_ENV = 'STORE_SALES_RECOVERS_BUILD';

/**
 * The `build-status` values of CodeBuild's state-change events for a build that ended without
 * success and was not stopped on purpose (`STOPPED`: StopBuild, a person's decision, left alone).
 */
export const FAILED_BUILD_STATUSES = ['FAILED', 'FAULT', 'TIMED_OUT'] as const;

/**
 * A build's id (`<project>:<uuid>`, what CodeBuild puts in `CODEBUILD_BUILD_ID`) from its id or
 * its ARN (`arn:aws:codebuild:<region>:<account>:build/<project>:<uuid>`, the events' `build-id`).
 */
export const buildIdOf = (idOrArn: string): string =>
  idOrArn.replace(/^arn:[^:]+:codebuild:[^:]*:[^:]*:build\//, '');
