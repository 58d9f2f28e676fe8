import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { Construct } from 'constructs';
import type { StageConfig } from './config.js';
import { type BucketGrant, bucketGrantStatements } from './grants.js';
import type { Naming } from './naming.js';
import { assumeRolePolicy, policyDocument } from './policy.js';

export interface EtlRoleProps {
  config: StageConfig;
  naming: Naming;
  accountId: string;
  kmsKeyArn: string;
  /** Bucket prefixes the ETL reads or writes. */
  grants: BucketGrant[];
  logGroupArn: string;
  failureQueueArn: string;
  /** Bus the on-success destination puts events on. */
  successBusArn: string;
}

/**
 * The ETL Lambda's execution role, and all it may do: the bucket grants (read raw and its FX
 * reference; read the loaded fact_orders ids, write, and list for stale-file clean-up, processed;
 * write quarantine; its per-source ledgers and leases), the stage key only through S3 and SQS, its
 * own log group, its failure queue, its success events on the bus, and X-Ray traces. Nothing else:
 * no managed policies, no wildcard actions.
 */
export class EtlRole extends Construct {
  readonly role: IamRole;
  /** The inline policy; the function depends on it so its first run has its permissions. */
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: EtlRoleProps) {
    super(scope, id);
    const { config, naming, accountId, kmsKeyArn } = props;
    this.role = new IamRole(this, 'role', {
      name: naming.name('etl'),
      assumeRolePolicy: assumeRolePolicy('lambda.amazonaws.com', accountId),
    });
    this.policy = new IamRolePolicy(this, 'policy', {
      name: 'etl-least-privilege',
      role: this.role.id,
      policy: policyDocument([
        ...props.grants.flatMap(bucketGrantStatements),
        {
          Sid: 'UseDataKeyThroughS3AndSqs',
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: kmsKeyArn,
          Condition: {
            StringEquals: {
              'kms:ViaService': [`s3.${config.region}.amazonaws.com`, `sqs.${config.region}.amazonaws.com`],
            },
          },
        },
        {
          Sid: 'WriteOwnLogs',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: `${props.logGroupArn}:*`,
        },
        {
          Sid: 'SendFailedEvents',
          Effect: 'Allow',
          Action: 'sqs:SendMessage',
          Resource: props.failureQueueArn,
        },
        {
          Sid: 'AnnounceSuccess',
          Effect: 'Allow',
          Action: 'events:PutEvents',
          Resource: props.successBusArn,
        },
        {
          // X-Ray has no resource-level permissions: "*" is the narrowest resource there is.
          Sid: 'PublishTraces',
          Effect: 'Allow',
          Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
          Resource: '*',
        },
      ]),
    });
  }
}
