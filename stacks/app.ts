import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { STAGE_NAMES, STAGES, type Stage } from './config.js';
import { zipBundle } from './lambda-archive.js';
import { Naming } from './naming.js';
import { zipTrackedFiles } from './source-archive.js';
import { stateBackendFromEnv } from './state-backend.js';

/** Env var that moves every stage to another region at synth time. */
export const REGION_ENV = 'STORE_SALES_AWS_REGION';

/** The shape of an AWS region name: `eu-west-1`, `ap-southeast-4`, `eusc-de-east-1`. */
const AWS_REGION_NAME = /^[a-z]{2,4}(-[a-z]+)+-\d+$/;
/**
 * Regions of the other partitions (China, GovCloud, ISO, the European Sovereign Cloud): the
 * stack writes `arn:aws:` ARNs and `amazonaws.com` service principals, which they do not take.
 */
const OTHER_PARTITION = /^(cn|us-gov|us-iso[a-z]*|eusc)-/;

/** Builds the Lambda bundle into `outDir` (lambda/build.ts `bundleLambda`'s signature). */
export type BundleLambda = (outDir: string) => Promise<{ entry: string; bytes: number }>;

export interface SynthOptions {
  /** Where the Terraform JSON goes (`cdktf.out`). */
  outdir: string;
  /** Environment read for region and state backend (process.env in main.ts; fixed in tests). */
  env: NodeJS.ProcessEnv;
  bundle: BundleLambda;
  /** The git work tree the refresh runner's source is zipped from (default: the current directory). */
  repoDir?: string;
}

export interface SynthResult {
  /** `cdktf.out/stacks/<stack>/cdk.tf.json` per stage. */
  stacks: Record<Stage, string>;
  /** The AWS region each stack deploys to (printed by `npm run synth`). */
  regions: Record<Stage, string>;
  /** Bytes of the bundle folder and of its zip (the deployed code). */
  bundleBytes: number;
  zipBytes: number;
  /** Bytes and file count of the refresh runner's source zip. */
  runnerSource: { bytes: number; files: number };
}

/**
 * Bundles and zips the Lambda and zips the repository's tracked files (the refresh runner's
 * source) once, then synthesizes one `StoreSalesStack` per stage into `outdir`; each stack copies
 * both zips into its `assets/`. The bundle and zips are temporary.
 */
export async function synthesize({
  outdir,
  env,
  bundle,
  repoDir = process.cwd(),
}: SynthOptions): Promise<SynthResult> {
  const region = env[REGION_ENV];
  // a malformed name would be written into every name and ARN of both stacks, found only at apply
  if (region && !AWS_REGION_NAME.test(region))
    throw new Error(`region "${region}" (--region or ${REGION_ENV}) is no AWS region name, e.g. eu-west-1`);
  if (region && OTHER_PARTITION.test(region))
    throw new Error(
      `region "${region}" is in another AWS partition than aws: the stack's ARNs and service principals are those of the commercial regions`,
    );
  const work = await mkdtemp(path.join(os.tmpdir(), 'store-sales-lambda-'));
  try {
    const bundleDir = path.join(work, 'bundle');
    const lambdaZip = path.join(work, 'etl-lambda.zip');
    const runnerSourceZip = path.join(work, 'refresh-source.zip');
    const zippingSource = zipTrackedFiles(repoDir, runnerSourceZip);
    zippingSource.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
    // esbuild bundles in its own process while this one loads cdktf and the provider classes.
    const bundling = bundle(bundleDir);
    const [{ App }, { StoreSalesStack }] = await Promise.all([
      import('cdktf'),
      import('./store-sales-stack.js'),
    ]);
    const { bytes } = await bundling;
    const zipBytes = await zipBundle(bundleDir, lambdaZip);
    const runnerSource = await zippingSource;
    const app = new App({ outdir });
    const stacks = {} as Record<Stage, string>;
    const regions = {} as Record<Stage, string>;
    for (const stage of STAGE_NAMES) {
      const config = { ...STAGES[stage], region: env[REGION_ENV] || STAGES[stage].region };
      const name = Naming.stackName(stage);
      new StoreSalesStack(app, name, {
        config,
        lambdaZip,
        runnerSourceZip,
        backend: stateBackendFromEnv(env, config.region),
      });
      stacks[stage] = path.join(outdir, 'stacks', name, 'cdk.tf.json');
      regions[stage] = config.region;
    }
    app.synth();
    return { stacks, regions, bundleBytes: bytes, zipBytes, runnerSource };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
