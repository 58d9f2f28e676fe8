import { readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type App, TerraformStack, Testing } from 'cdktf';
import { bundleLambda } from '../../lambda/build.js';
import { Alarms } from '../../stacks/alarms.js';
import { synthesize } from '../../stacks/app.js';
import { STAGES, type Stage } from '../../stacks/config.js';
import { Naming } from '../../stacks/naming.js';

/** A synthesized stack (`cdk.tf.json`) as plain JSON. */
export interface TfJson {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data: Record<string, Record<string, Record<string, unknown>>>;
  output: Record<string, { value: unknown }>;
  terraform: Record<string, unknown>;
  provider: Record<string, unknown[]>;
}

export interface Synthesized {
  outdir: string;
  files: Record<Stage, string>;
  stacks: Record<Stage, TfJson>;
  cleanup: () => Promise<void>;
}

/**
 * Synthesizes both stages once, with the real Lambda bundle, into a temporary folder (under
 * `tmpDir`), removed by `cleanup` or, when the synth fails, at once. The environment is passed
 * explicitly (empty by default), so results do not depend on the shell.
 */
export async function synthStacks(env: NodeJS.ProcessEnv = {}, tmpDir = os.tmpdir()): Promise<Synthesized> {
  const outdir = await mkdtemp(path.join(tmpDir, 'store-sales-synth-'));
  const { stacks: files } = await synthesize({ outdir, env, bundle: bundleLambda }).catch(
    async (err: unknown) => {
      // a refused synth (the region tests) leaves no folder behind either
      await rm(outdir, { recursive: true, force: true });
      throw err;
    },
  );
  const read = (file: string): TfJson => JSON.parse(readFileSync(file, 'utf8'));
  return {
    outdir,
    files,
    stacks: { dev: read(files.dev), prod: read(files.prod) },
    cleanup: () => rm(outdir, { recursive: true, force: true }),
  };
}

/** All resources of one Terraform type, as [logical name, body]. */
export const resourcesOf = (stack: TfJson, type: string): [string, Record<string, unknown>][] =>
  Object.entries(stack.resource[type] ?? {});

/** The single resource of a type (fails the test if there is not exactly one). */
export function onlyResource(stack: TfJson, type: string): [string, Record<string, unknown>] {
  const all = resourcesOf(stack, type);
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0]!;
}

/** `${aws_s3_bucket.<name>.<attr>}`: how a reference to another resource appears in the JSON. */
export const ref = (type: string, name: string, attr: string): string => `\${${type}.${name}.${attr}}`;

/** The account id of the stack (from `data.aws_caller_identity.account`), as it appears in the JSON. */
export const ACCOUNT_ID = ref('data.aws_caller_identity', 'account', 'account_id');

/** An IAM statement as it appears in a synthesized policy document. */
export interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** Parses a `policy` / `assume_role_policy` JSON string into its statements. */
export const statementsOf = (policy: unknown): PolicyStatement[] =>
  (JSON.parse(String(policy)) as { Statement: PolicyStatement[] }).Statement;

/** A value that may be one string or a list of them, as a list. */
export const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : [v].flat());

/** Logical name of the bucket whose resource name contains `role` (e.g. `raw`, `access-logs`). */
export function bucketNamed(stack: TfJson, role: string): string {
  const match = resourcesOf(stack, 'aws_s3_bucket').find(([name]) => name.startsWith(`lake_${role}_bucket`));
  if (!match) throw new Error(`no ${role} bucket`);
  return match[0];
}

/**
 * Synthesizes one stack that `build` adds to a fresh testing app, then removes the folder cdktf's
 * `Testing.app()` makes for it in the OS temp folder (it leaves one per call otherwise).
 */
export function synthOne(build: (app: App) => TerraformStack): TfJson {
  const app = Testing.app();
  try {
    return JSON.parse(Testing.synth(build(app))) as TfJson;
  } finally {
    rmSync(app.outdir, { recursive: true, force: true });
  }
}

/** The alarms construct alone, in the dev stage with alert e-mails to `emails`. */
export function alarmsWithEmails(emails: string[]): TfJson {
  const config = { ...STAGES.dev, alerts: { ...STAGES.dev.alerts, emails } };
  return synthOne((app) => {
    const stack = new TerraformStack(app, 'alarms-only');
    new Alarms(stack, 'alarms', {
      config,
      naming: new Naming(config, '123456789012'),
      kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/k',
      etlFunctionName: 'etl',
      etlFailureQueueName: 'failures',
      refreshProjectName: 'refresh',
      recoveryProjectName: 'refresh-recovery',
      triggerDeadLetterQueueName: 'dlq',
      recoveryFailureQueueName: 'recovery-failures',
    });
    return stack;
  });
}
