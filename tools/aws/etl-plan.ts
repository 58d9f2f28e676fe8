import { isRawSourceKey } from '../../contracts/lake-keys.js';
import { LAKE } from '../../contracts/lake-layout.js';
import { OpsError } from '../../contracts/ops-error.js';
import type { ObjectStore } from '../../lambda/core/object-store.js';
import { planSources, recordFromOutputs, type SourcePlan } from '../../lambda/core/source-policy.js';
import { resolveSourceKeys } from '../etl/source-keys.js';

/**
 * The source policy on the buckets: the raw sources listed (or those named), and the outputs
 * found, grouped by owning source, as the recorded state S3 does not keep otherwise.
 */
export async function planAwsRun(
  raw: ObjectStore,
  processed: ObjectStore,
  quarantine: ObjectStore,
  names: string[] | undefined,
): Promise<{ plan: SourcePlan; sizes: Map<string, number> }> {
  const objects = await raw.list(LAKE.rawPrefix);
  const listed = objects.map((o) => o.key);
  const sources = listed.filter(isRawSourceKey);
  const emptyHint = `${raw.location} has no raw files yet; run \`npx ops upload --target aws\` first`;
  const requested = names?.length
    ? resolveSourceKeys(names, sources, { location: raw.location, emptyHint })
    : undefined;
  const outputs = [
    ...(await processed.list(LAKE.processedPrefix)),
    ...(await quarantine.list(LAKE.quarantinePrefix)),
  ].map((o) => o.key);
  const plan = planSources({
    listed,
    recorded: recordFromOutputs(listed, outputs),
    ...(requested ? { requested } : {}),
  });
  if (!plan.sources.length && !plan.retired.length) {
    throw new OpsError('NO_RAW_FILES', `no raw files under ${raw.location}/${LAKE.rawPrefix}`, emptyHint);
  }
  return { plan, sizes: new Map(objects.map((o) => [o.key, o.size])) };
}
