/**
 * checkov checks skipped for the synthesized stacks, each with its reason. checkov cannot read
 * inline skip comments in Terraform JSON, and `--skip-check` is global, so a skipped check that
 * matters for most resources is pinned by a property test instead (named in the reason).
 * The scan fails on any other failed check, and on a skip here that no longer matches a failure.
 */
export const CHECKOV_SKIPS = {
  CKV_AWS_116:
    'The ETL Lambda is invoked asynchronously by S3 and sends failed events to an SQS on-failure ' +
    'destination (aws_lambda_function_event_invoke_config), which records the error as well as the event; ' +
    'a dead_letter_config on top would deliver each failure twice. Pinned by test/stacks/etl-function.test.ts.',
  CKV_AWS_117:
    'The ETL Lambda reaches only S3, SQS, CloudWatch Logs and X-Ray, all IAM-authenticated TLS endpoints, and ' +
    'no private resource. A VPC would add NAT or interface endpoints (a fixed monthly cost) for no reduction ' +
    'in exposure, against the "cheap when idle" requirement.',
  CKV_AWS_272:
    'Code signing needs an AWS Signer profile and a signing step in the release pipeline, which the project ' +
    'does not have; the deployed code is the esbuild bundle built from this repository at synth, and ' +
    'Terraform redeploys it only when its content hash (source_code_hash) changes.',
  CKV_AWS_144:
    'Single-region by design: raw (the source of truth) is versioned with noncurrent versions kept, and every ' +
    'other bucket is rebuildable from raw or scratch. Cross-region replication would double storage and need ' +
    'a second-region stack; add it when a disaster-recovery objective asks for it.',
  CKV_AWS_145:
    'Fails only for the access-log bucket: S3 server access logging delivers only to buckets with SSE-S3 ' +
    '(AES256) default encryption. Every data bucket uses SSE-KMS with the stage key, pinned by ' +
    'test/stacks/data-lake.test.ts.',
  CKV2_AWS_62:
    'Fails for every bucket but raw: only a raw object starts work (the ETL trigger, pinned by ' +
    'test/stacks/etl-function.test.ts). The processed, quarantine, Athena-results and access-log buckets have ' +
    'no consumer for events, so a notification there would be configuration without a reader.',
  CKV_AWS_82:
    'Fails only for the dbt workgroup: dbt-athena ignores s3_data_dir in a workgroup that enforces its ' +
    'result location and would build every table under the results prefix, which expires after 7 days. ' +
    'Its objects are still encrypted (every bucket defaults to SSE-KMS with the stage key); the ops ' +
    'workgroup enforces its configuration, pinned by test/stacks/catalog-query.test.ts.',
  CKV_AWS_115:
    'Reserved concurrency is off unless a stage configures it: Lambda keeps 10 executions of the account ' +
    'unreserved, so on an account at the default quota of 10 any reservation fails the apply after the ' +
    'function exists. Pinned by test/stacks/deploy-review.test.ts.',
  CKV_AWS_297:
    'The refresh schedule carries only the CodeBuild project name as its input, nothing confidential; ' +
    'with a customer-managed key, EventBridge Scheduler decrypts the input with the execution role, which ' +
    'would then need kms:Decrypt on the stage key besides codebuild:StartBuild. The role stays at StartBuild ' +
    'only, pinned by test/stacks/refresh-runner.test.ts; the AWS-owned key still encrypts the schedule at rest.',
} as const satisfies Record<string, string>;

export type SkippedCheck = keyof typeof CHECKOV_SKIPS;
