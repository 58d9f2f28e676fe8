import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group/index.js';
import { CodebuildProject } from '@cdktf/provider-aws/lib/codebuild-project/index.js';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object/index.js';
import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { ATHENA_RESULTS_PREFIX, DBT_DATA_PREFIX } from './data-lake.js';
import { RefreshRunnerRole, type RefreshRunnerRoleProps, RUNNER_SOURCE_KEY } from './refresh-runner-role.js';

/**
 * CodeBuild's Ubuntu 22.04 managed image. Its documented runtimes include Node.js 20/22 and
 * Python 3.11 (https://docs.aws.amazon.com/codebuild/latest/userguide/available-runtimes.html,
 * and the image's runtimes.yml in github.com/aws/aws-codebuild-docker-images, ubuntu/standard/7.0).
 */
export const RUNNER_IMAGE = 'aws/codebuild/standard:7.0';
/** `runtime-versions` of the buildspec: the project's Node (package.json engines) and dbt's Python. */
export const RUNNER_RUNTIMES = { nodejs: 22, python: 3.11 } as const;
/** Where the dashboard's PDF/PNG printer finds Chrome (`CHROMIUM_PATH`, read by dashboards/). */
export const RUNNER_CHROME = '/usr/bin/google-chrome';

/** Arguments of the refresh the runner runs: one list for the buildspec, the tests and the docs. */
export const RUNNER_REFRESH_ARGS = ['--target', 'aws'] as const;
/**
 * The build's commands, exactly: install the locked dependencies; re-run (through the ETL
 * function) the sources whose future-dated quarantined orders are now in range — a no-op when
 * none is due; then the refresh.
 */
export const RUNNER_COMMANDS = [
  'npm ci',
  'npm run ops -- etl --target aws --retry-quarantine',
  `npm run ops -- refresh ${RUNNER_REFRESH_ARGS.join(' ')}`,
] as const;

/**
 * Install phase: if the image has no Chrome at `RUNNER_CHROME`, install Google Chrome's stable
 * .deb (with its dependencies) so the dashboard's PDF and PNG can be printed.
 */
const ENSURE_CHROME =
  `test -x ${RUNNER_CHROME} || (curl -fsSL -o google-chrome.deb ` +
  'https://dl.google.com/linux/direct/google-chrome-stable_current_amd64.deb && ' +
  'apt-get update -qq && apt-get install -y -qq ./google-chrome.deb && rm google-chrome.deb)';

/**
 * The buildspec, as JSON (YAML is a superset of JSON, and tests read it back with JSON.parse).
 * `bash` so `npm run` behaves as on a laptop.
 */
export function runnerBuildspec(): string {
  return JSON.stringify({
    version: '0.2',
    env: { shell: 'bash' },
    phases: {
      install: {
        'runtime-versions': RUNNER_RUNTIMES,
        commands: [ENSURE_CHROME, `${RUNNER_CHROME} --version`],
      },
      build: { commands: [...RUNNER_COMMANDS] },
    },
  });
}

/**
 * The role's inputs (the stack's resources the runner touches), less the two the runner makes
 * itself: the workgroup list and its log group.
 */
export interface RefreshRunnerProps extends Omit<RefreshRunnerRoleProps, 'workgroupNames' | 'logGroupArn'> {
  /** The ETL function the retry step invokes (the role grants on `etlFunctionArn`). */
  etlFunctionName: string;
  workgroupName: string;
  dbtWorkgroupName: string;
  /** The deterministic zip of the repository's tracked files (`source-archive.ts`). */
  sourceZip: string;
}

/**
 * The refresh runner: a CodeBuild project that runs `ops refresh --target aws` from a zip of the
 * repository the stack uploads (one refresh at a time: `ops refresh` takes a lock in the analytics
 * bucket, see the project below). Its settings are environment variables
 * with the names `ops --target aws` and dbt read (tools/aws/settings.ts, dbt/profiles.yml), so
 * the build needs no outputs file: `AWS_REGION` is CodeBuild's own, the rest comes from here.
 */
export class RefreshRunner extends Construct {
  readonly project: CodebuildProject;
  /**
   * The same build, started only to recover a build of `project` that did not succeed
   * (contracts/refresh-recovery.ts): a project of its own, so that its failures match no
   * recovery rule, whatever step failed.
   */
  readonly recoveryProject: CodebuildProject;
  readonly role: RefreshRunnerRole;
  readonly logGroup: CloudwatchLogGroup;
  /** The build's environment, by name (tests check it resolves to the stack's resources). */
  readonly environment: Record<string, string>;

  constructor(scope: Construct, id: string, props: RefreshRunnerProps) {
    super(scope, id);
    const { config, naming, kmsKeyArn, processed, athenaResults, analytics } = props;
    const projectName = naming.name('refresh');

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/aws/codebuild/${projectName}`,
      retentionInDays: config.logRetentionDays,
      kmsKeyId: kmsKeyArn,
    });
    this.role = new RefreshRunnerRole(this, 'iam', {
      ...props,
      workgroupNames: [props.workgroupName, props.dbtWorkgroupName],
      logGroupArn: this.logGroup.arn,
    });

    const asset = new TerraformAsset(this, 'source-zip', { path: props.sourceZip, type: AssetType.FILE });
    const source = new S3Object(this, 'source', {
      bucket: analytics.id,
      key: RUNNER_SOURCE_KEY,
      source: asset.path,
      // Content hash of the deterministic zip: uploaded again only when a tracked file changes.
      sourceHash: asset.assetHash,
      contentType: 'application/zip',
    });

    this.environment = {
      // The retry step (`ops etl --target aws --retry-quarantine`): where to look, whom to invoke.
      STORE_SALES_RAW_BUCKET: props.raw.bucket,
      STORE_SALES_QUARANTINE_BUCKET: props.quarantine.bucket,
      STORE_SALES_ETL_FUNCTION: props.etlFunctionName,
      STORE_SALES_PROCESSED_BUCKET: processed.bucket,
      STORE_SALES_RESULTS_BUCKET: athenaResults.bucket,
      STORE_SALES_ANALYTICS_BUCKET: analytics.bucket,
      STORE_SALES_GLUE_DATABASE: props.databaseName,
      STORE_SALES_ATHENA_WORKGROUP: props.workgroupName,
      // Empty in projection mode: `crawl` then starts no crawler (as with the empty stack output).
      STORE_SALES_GLUE_CRAWLER: props.crawlerName ?? '',
      // dbt-athena's own variables, for what the outputs file would otherwise give `transform`:
      // its workgroup (result location not enforced) and where its tables live.
      ATHENA_WORKGROUP: props.dbtWorkgroupName,
      ATHENA_S3_DATA_DIR: `s3://${processed.bucket}/${DBT_DATA_PREFIX}`,
      ATHENA_S3_STAGING_DIR: `s3://${athenaResults.bucket}/${ATHENA_RESULTS_PREFIX}`,
      CHROMIUM_PATH: RUNNER_CHROME,
    };

    const build = (id: string, name: string, description: string) =>
      new CodebuildProject(this, id, {
        name,
        description,
        serviceRole: this.role.role.arn,
        // No concurrent build limit: CodeBuild refuses a start beyond it with a 400, which
        // EventBridge does not retry. Builds start at once and `ops refresh` serializes them with
        // its lock in the analytics bucket (tools/aws/refresh-lock.ts): one that finds it held asks
        // the holder for one more pass and ends in seconds.
        buildTimeout: config.refresh.buildTimeoutMinutes,
        encryptionKey: kmsKeyArn,
        source: {
          type: 'S3',
          location: `${analytics.bucket}/${RUNNER_SOURCE_KEY}`,
          buildspec: runnerBuildspec(),
        },
        artifacts: { type: 'NO_ARTIFACTS' },
        environment: {
          type: 'LINUX_CONTAINER',
          computeType: config.refresh.computeType,
          image: RUNNER_IMAGE,
          imagePullCredentialsType: 'CODEBUILD',
          privilegedMode: false,
          environmentVariable: Object.entries(this.environment).map(([name, value]) => ({
            name,
            value,
            type: 'PLAINTEXT',
          })),
        },
        logsConfig: {
          cloudwatchLogs: { status: 'ENABLED', groupName: this.logGroup.name },
          s3Logs: { status: 'DISABLED' },
        },
        dependsOn: [this.role.policy, source],
      });
    this.project = build('project', projectName, `Store-sales refresh: ${RUNNER_COMMANDS.join(' && ')}`);
    this.recoveryProject = build(
      'recovery-project',
      naming.name('refresh-recovery'),
      `Store-sales refresh, recovering a ${projectName} build that did not succeed`,
    );
  }
}
