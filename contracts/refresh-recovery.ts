/**
 * Recovering a refresh whose build failed: the stack's `refresh-recovery` rule starts the runner
 * again for each of its builds that CodeBuild reports failed, timed out or stopped, naming the
 * failed build in this variable (stacks/refresh-triggers.ts); `ops refresh` then takes over the
 * refresh lock the failed build left (it will never release it) and refreshes, unless the failed
 * build was itself such a recovery (tools/commands/refresh.ts). One recovery per failure: a
 * refresh that always fails costs one extra build, not a loop.
 */
export const RECOVERS_BUILD_ENV = 'STORE_SALES_RECOVERS_BUILD';

/** The `build-status` values of CodeBuild's state-change events that end a build without success. */
export const FAILED_BUILD_STATUSES = ['FAILED', 'FAULT', 'TIMED_OUT', 'STOPPED'] as const;

/**
 * A build's id (`<project>:<uuid>`, what CodeBuild puts in `CODEBUILD_BUILD_ID`) from its id or
 * its ARN (`arn:aws:codebuild:<region>:<account>:build/<project>:<uuid>`, the events' `build-id`).
 */
export const buildIdOf = (idOrArn: string): string =>
  idOrArn.replace(/^arn:[^:]+:codebuild:[^:]*:[^:]*:build\//, '');
