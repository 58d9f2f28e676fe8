import { writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Every AWS service the stacks' resources and data sources call, by its provider `endpoints`
 * key. A service missing here would make the provider call real AWS (and fail on fake keys).
 */
export const STACK_SERVICES = [
  'athena',
  'cloudwatch',
  'cloudwatchlogs',
  'codebuild',
  'events',
  'glue',
  'iam',
  'kms',
  'lambda',
  's3',
  'scheduler',
  'sns',
  'sqs',
  'sts',
] as const;

/**
 * Attributes moto accepts but never returns, so every plan after apply would show them again
 * (moto gaps, listed in the README). Ignored by the override only: the product keeps them.
 */
export const MOTO_UNRETURNED: Record<string, string[]> = {
  // moto's CreateProject always answers encryptionKey alias/aws/s3.
  aws_codebuild_project: ['encryption_key'],
  aws_lambda_function: ['logging_config'],
  aws_s3_bucket_logging: ['target_object_key_format'],
};

/** File name of the test-only override; Terraform merges `*_override.tf.json` over the stack. */
export const OVERRIDE_FILE = 'moto_override.tf.json';

/**
 * Writes the test-only override next to a synthesized `cdk.tf.json`: the AWS provider talks to
 * moto (fake keys, path-style S3, no metadata or credential checks) and the state lives in the
 * stack folder. The product's stack stays untouched, so what is validated is what is deployed.
 * The account id is still requested (moto's STS answers), since the provider builds ARNs from it.
 */
export async function writeMotoOverride(
  stackDir: string,
  stack: { resource: Record<string, Record<string, unknown>> },
  motoUrl: string,
  region: string,
): Promise<string> {
  const file = path.join(stackDir, OVERRIDE_FILE);
  const resource: Record<string, Record<string, unknown>> = Object.fromEntries(
    Object.entries(MOTO_UNRETURNED).map(([type, attrs]) => [
      type,
      Object.fromEntries(
        Object.keys(stack.resource[type] ?? {}).map((name) => [
          name,
          { lifecycle: { ignore_changes: attrs } },
        ]),
      ),
    ]),
  );
  // moto gap: it evaluates a bucket policy's conditions without request context, so the TLS-only
  // Deny statements deny every object request (moto 5.2 s3/responses.py checks the bucket policy on
  // each object GET/HEAD/PUT; iam/access_control.py `_check_conditions` fails a condition it has no
  // value for, and a failed condition yields DENIED). The stack's only S3 object, the runner's
  // source zip, would be uploaded and then never readable again (refresh and destroy answer 403),
  // so it is left out of the moto run; the stack property tests check it (refresh-runner.test.ts).
  for (const name of Object.keys(stack.resource.aws_s3_object ?? {})) {
    resource.aws_s3_object = { ...(resource.aws_s3_object ?? {}), [name]: { count: 0 } };
  }
  // Teardown: prod keeps its buckets and workgroup on destroy (force_destroy false), and moto
  // writes access logs into them; the throwaway moto account is emptied regardless.
  for (const type of ['aws_s3_bucket', 'aws_athena_workgroup']) {
    resource[type] = Object.fromEntries(
      Object.keys(stack.resource[type] ?? {}).map((name) => [name, { force_destroy: true }]),
    );
  }
  const override = {
    resource,
    terraform: { backend: { local: { path: path.join(stackDir, 'terraform.tfstate') } } },
    provider: {
      aws: {
        region,
        access_key: 'testing',
        secret_key: 'testing',
        s3_use_path_style: true,
        skip_credentials_validation: true,
        skip_metadata_api_check: true,
        skip_region_validation: true,
        endpoints: [Object.fromEntries(STACK_SERVICES.map((s) => [s, motoUrl]))],
      },
    },
  };
  await writeFile(file, `${JSON.stringify(override, null, 2)}\n`);
  return file;
}
