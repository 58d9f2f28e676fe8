import { BatchGetBuildsCommand, type CodeBuildClient } from '@aws-sdk/client-codebuild';
import { OpsError } from '../../contracts/ops-error.js';
import { buildIdOf, RECOVERS_BUILD_ENV } from '../../contracts/refresh-recovery.js';

/**
 * Whether the runner's build `build` (id or ARN) was started to recover a failed one: CodeBuild
 * records a build's environment with the variables its start overrode, `RECOVERS_BUILD_ENV`
 * among them. A build CodeBuild does not know is an error: nothing says it may be recovered.
 */
export async function startedToRecover(codebuild: CodeBuildClient, build: string): Promise<boolean> {
  const id = buildIdOf(build);
  const { builds } = await codebuild.send(new BatchGetBuildsCommand({ ids: [id] }));
  const found = builds?.find((b) => b.id === id);
  if (!found)
    throw new OpsError(
      'REFRESH_BUILD_NOT_FOUND',
      `CodeBuild has no build ${id}`,
      `${RECOVERS_BUILD_ENV} names the failed build a recovery build recovers; unset it to refresh without recovering one`,
    );
  return (found.environment?.environmentVariables ?? []).some((v) => v.name === RECOVERS_BUILD_ENV);
}
