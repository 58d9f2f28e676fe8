/**
 * Where Terraform keeps a stack's state, chosen from the environment at synth time. This module
 * is free of cdktf imports so `app.ts` can read it before cdktf is loaded.
 */
export type StateBackend =
  /** `terraform.<stack>.tfstate` in the repository root (gitignored). For one person. */
  | { kind: 'local' }
  /** A shared S3 bucket with S3-native locking (`use_lockfile`, Terraform >= 1.10). For teams and CI. */
  | { kind: 's3'; bucket: string; region: string };

/** Env var that switches every stack to the S3 backend (the bucket must exist, versioned). */
export const STATE_BUCKET_ENV = 'STORE_SALES_TF_STATE_BUCKET';
/** Env var with the state bucket's region; defaults to the stack's region. */
export const STATE_REGION_ENV = 'STORE_SALES_TF_STATE_REGION';

/** Reads the backend choice: local unless `STORE_SALES_TF_STATE_BUCKET` is set. */
export function stateBackendFromEnv(env: NodeJS.ProcessEnv, stackRegion: string): StateBackend {
  const bucket = env[STATE_BUCKET_ENV];
  if (!bucket) return { kind: 'local' };
  return { kind: 's3', bucket, region: env[STATE_REGION_ENV] || stackRegion };
}

/** State object key of one stack in the shared bucket: `store-sales-dev/terraform.tfstate`. */
export const stateKey = (stackName: string): string => `${stackName}/terraform.tfstate`;

/**
 * Local state file of one stack, as Terraform sees it from the stack folder
 * (`cdktf.out/stacks/<stack>/`, where it runs): the repository root, three levels up. Relative, so
 * the synthesized JSON holds no machine path; outside `cdktf.out`, so cleaning the generated
 * folder never deletes state (and checkouts that kept state in the root need no move).
 */
export const localStatePath = (stackName: string): string => `../../../terraform.${stackName}.tfstate`;
