import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  asList,
  resourcesOf,
  type Synthesized,
  statementsOf,
  synthStacks,
  type TfJson,
} from './synth-fixture.js';

// Every action every policy grants or denies, written out: adding one (kms:CreateGrant) or dropping
// one (kms:GenerateDataKey) fails here with the statement named, whatever `vitest -u` does to
// the snapshot, which stays as a second line of defence.

/** Sid -> its actions, sorted (statement order is not a permission). */
type Grants = Record<string, string[]>;

const TLS_ONLY: Grants = { DenyInsecureTransport: ['s3:*'], DenyOutdatedTls: ['s3:*'] };
const ASSUME: Grants = { ServiceAssumesRole: ['sts:AssumeRole'] };
const WRITE_OBJECTS = ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:PutObject'];

const ETL: Grants = {
  ReadRawOrders: ['s3:GetObject', 's3:GetObjectVersion'],
  ReadRawOrdersList: ['s3:ListBucket'],
  ReadFxReference: ['s3:GetObject'],
  ReadFxReferenceList: ['s3:ListBucket'],
  WriteProcessedFacts: WRITE_OBJECTS,
  WriteProcessedFactsList: ['s3:ListBucket'],
  ReadLoadedOrderIds: ['s3:GetObject'],
  WriteQuarantinedRecords: WRITE_OBJECTS,
  ReadQuarantinedRecords: ['s3:GetObject'],
  ReadQuarantinedRecordsList: ['s3:ListBucket'],
  ReadSourceLedger: ['s3:GetObject'],
  ReadSourceLedgerList: ['s3:ListBucket'],
  WriteSourceLedger: WRITE_OBJECTS,
  ReadSourceLeases: ['s3:GetObject'],
  ReadSourceLeasesList: ['s3:ListBucket'],
  WriteSourceLeases: WRITE_OBJECTS,
  UseDataKeyThroughS3AndSqs: ['kms:Decrypt', 'kms:GenerateDataKey'],
  WriteOwnLogs: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  SendFailedEvents: ['sqs:SendMessage'],
  AnnounceSuccess: ['events:PutEvents'],
  PublishTraces: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
};

const CRAWLER: Grants = {
  MaintainFactTables: [
    'glue:BatchCreatePartition',
    'glue:BatchGetPartition',
    'glue:BatchUpdatePartition',
    'glue:CreatePartition',
    'glue:CreateTable',
    'glue:GetDatabase',
    'glue:GetPartition',
    'glue:GetPartitions',
    'glue:GetTable',
    'glue:GetTables',
    'glue:UpdatePartition',
    'glue:UpdateTable',
  ],
  LocateProcessedBucket: ['s3:GetBucketLocation'],
  ListProcessedPrefix: ['s3:ListBucket'],
  ReadProcessedFacts: ['s3:GetObject'],
  DecryptThroughS3: ['kms:Decrypt'],
  WriteCrawlerLogs: [
    'logs:AssociateKmsKey',
    'logs:CreateLogGroup',
    'logs:CreateLogStream',
    'logs:PutLogEvents',
  ],
};

const RUNNER_ATHENA = [
  'athena:GetQueryExecution',
  'athena:GetQueryResults',
  'athena:GetWorkGroup',
  'athena:StartQueryExecution',
  'athena:StopQueryExecution',
];

/** The refresh runner (prod: no crawler, so no RunCrawler). */
const RUNNER: Grants = {
  ReadSource: ['s3:GetObject', 's3:GetObjectVersion'],
  LocateBuckets: ['s3:GetBucketAcl', 's3:GetBucketLocation'],
  WriteOwnLogs: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  QueryWorkgroups: RUNNER_ATHENA,
  ReadCatalog: [
    'glue:BatchGetPartition',
    'glue:GetDatabase',
    'glue:GetPartition',
    'glue:GetPartitions',
    'glue:GetTable',
    'glue:GetTables',
  ],
  ListDatabases: ['glue:GetDatabases'],
  MaintainViewsAndModels: [
    'glue:BatchCreatePartition',
    'glue:BatchDeletePartition',
    'glue:BatchDeleteTable',
    'glue:CreatePartition',
    'glue:CreateTable',
    'glue:DeleteTable',
    'glue:DeleteTableVersion',
    'glue:GetTableVersions',
    'glue:UpdateTable',
  ],
  ReadFactsAndModels: ['s3:GetObject'],
  ListFactsAndModels: ['s3:ListBucket'],
  WriteModels: WRITE_OBJECTS,
  ReadWriteQueryResults: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
  ListQueryResults: ['s3:ListBucket'],
  HoldRefreshLock: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
  ListRefreshLock: ['s3:ListBucket'],
  PublishResults: ['s3:PutObject'],
  ListRawSources: ['s3:ListBucket'],
  ReadFxReference: ['s3:GetObject'],
  ReadQuarantine: ['s3:GetObject'],
  ListQuarantine: ['s3:ListBucket'],
  ReadSourceLedgers: ['s3:GetObject'],
  ListSourceLedgers: ['s3:ListBucket'],
  RetireOutputsOfDeletedSources: ['s3:DeleteObject'],
  InvokeEtlForRetry: ['lambda:InvokeFunction'],
  UseDataKeyThroughS3: ['kms:Decrypt', 'kms:GenerateDataKey'],
};
const RUNNER_WITH_CRAWLER: Grants = { ...RUNNER, RunCrawler: ['glue:GetCrawler', 'glue:StartCrawler'] };
const START_BUILD: Grants = { StartRefreshBuild: ['codebuild:StartBuild'] };

const KEY: Grants = {
  AccountAdministersKeyThroughIam: ['kms:*'],
  CloudWatchLogsEncryptsThisAccountsLogGroups: [
    'kms:Decrypt*',
    'kms:Describe*',
    'kms:Encrypt*',
    'kms:GenerateDataKey*',
    'kms:ReEncrypt*',
  ],
  AlarmsAndEventsUseKeyForTopicAndDeadLetters: ['kms:Decrypt', 'kms:GenerateDataKey*'],
};

const ACCESS_LOGS: Grants = {
  AccessLogsFromRaw: ['s3:PutObject'],
  AccessLogsFromAnalytics: ['s3:PutObject'],
  AccessLogsFromProcessed: ['s3:PutObject'],
  AccessLogsFromQuarantine: ['s3:PutObject'],
  AccessLogsFromAthenaResults: ['s3:PutObject'],
  ...TLS_ONLY,
};

const BUCKETS = {
  'bucket lake_access-logs': ACCESS_LOGS,
  'bucket lake_analytics': TLS_ONLY,
  'bucket lake_athena-results': TLS_ONLY,
  'bucket lake_processed': TLS_ONLY,
  'bucket lake_quarantine': TLS_ONLY,
  'bucket lake_raw': TLS_ONLY,
};

/** The roles and policies of the refresh runner and its three triggers, per stage. */
const refresh = (stage: 'dev' | 'prod', runner: Grants): Record<string, Grants> => ({
  [`role store-sales-${stage}-refresh`]: ASSUME,
  [`role store-sales-${stage}-refresh-schedule`]: ASSUME,
  [`role store-sales-${stage}-refresh-trigger`]: ASSUME,
  [`role store-sales-${stage}-refresh-recovery-trigger`]: ASSUME,
  'role policy refresh-least-privilege': runner,
  'role policy refresh-schedule-start-build': {
    ...START_BUILD,
    SendUndeliveredStarts: ['sqs:SendMessage'],
    EncryptDeadLetters: ['kms:Decrypt', 'kms:GenerateDataKey'],
  },
  'role policy refresh-trigger-start-build': START_BUILD,
  'role policy refresh-recovery-trigger-start-build': { StartRecoveryBuild: ['codebuild:StartBuild'] },
  'queue policy refresh-triggers_dead-letters-policy': { RuleSendsUndeliveredEvents: ['sqs:SendMessage'] },
  'queue policy refresh-triggers_recovery-failures-policy': {
    RuleRecordsFailedRecoveries: ['sqs:SendMessage'],
  },
});

const EXPECTED: Record<'dev' | 'prod', Record<string, Grants>> = {
  dev: {
    'role store-sales-dev-etl': ASSUME,
    'role store-sales-dev-crawler': ASSUME,
    'role policy etl-least-privilege': ETL,
    'role policy crawler-least-privilege': CRAWLER,
    'key policy encryption_key': KEY,
    ...BUCKETS,
    ...refresh('dev', RUNNER_WITH_CRAWLER),
  },
  prod: {
    'role store-sales-prod-etl': ASSUME,
    'role policy etl-least-privilege': ETL,
    'key policy encryption_key': KEY,
    ...BUCKETS,
    ...refresh('prod', RUNNER),
  },
};

/** Every policy document of a stack, named by kind and resource (the cdktf hash suffix cut off). */
function grantsOf(stack: TfJson): Record<string, Grants> {
  const out: Record<string, Grants> = {};
  const add = (label: string, doc: unknown) => {
    const grants: Grants = {};
    for (const s of statementsOf(doc)) {
      expect(grants, `${label}: duplicate Sid ${s.Sid}`).not.toHaveProperty(String(s.Sid));
      grants[String(s.Sid)] = asList(s.Action).sort();
    }
    out[label] = grants;
  };
  const bare = (id: string) => id.replace(/(_policy)?_[0-9A-F]{8}$/, '');
  for (const [, r] of resourcesOf(stack, 'aws_iam_role')) add(`role ${r.name}`, r.assume_role_policy);
  for (const [, r] of resourcesOf(stack, 'aws_iam_role_policy')) add(`role policy ${r.name}`, r.policy);
  for (const [id, r] of resourcesOf(stack, 'aws_kms_key')) add(`key policy ${bare(id)}`, r.policy);
  for (const [id, r] of resourcesOf(stack, 'aws_s3_bucket_policy')) add(`bucket ${bare(id)}`, r.policy);
  for (const [id, r] of resourcesOf(stack, 'aws_sqs_queue_policy')) add(`queue policy ${bare(id)}`, r.policy);
  return out;
}

let synth: Synthesized;
beforeAll(async () => {
  synth = await synthStacks();
});
afterAll(() => synth?.cleanup());

describe.each(['dev', 'prod'] as const)('IAM actions (%s)', (stage) => {
  it('grants exactly the listed actions in every statement of every policy', () => {
    expect(grantsOf(synth.stacks[stage])).toEqual(EXPECTED[stage]);
  });
});
