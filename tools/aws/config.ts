import path from 'node:path';
import { OpsError } from '../../contracts/ops-error.js';
import { DEFAULT_OUTPUTS_FILE, outputsHint, readStackOutputs, type StackOutputs } from './outputs-file.js';
import { AWS_SETTINGS, type AwsSetting, type SettingSource } from './settings.js';

/** Key prefix of Athena results in the results bucket (`ATHENA_RESULTS_PREFIX` of stacks/data-lake.ts). */
export const ATHENA_RESULTS_PREFIX = 'query-results/';

/** Inputs of `resolveAwsConfig`: parsed flags (by flag name), the environment, the file to read. */
export interface AwsConfigInput {
  flags: Partial<Record<string, string | undefined>>;
  env: NodeJS.ProcessEnv;
  /** `--outputs-file`; default STORE_SALES_OUTPUTS_FILE, then `cdktf.out/outputs.json`. */
  outputsFile?: string;
  /** `--stack`; default STORE_SALES_STACK, then the file's only stack. */
  stack?: string;
}

/** Where one value came from, for summaries and troubleshooting. */
export type ValueOrigin = `--${string}` | `$${string}` | `output ${string}`;

/**
 * The resolved AWS configuration. Values are looked up when a command asks for them, so a command
 * fails only for what it needs, with a message naming the flag, variable and output to set.
 */
export class AwsConfig {
  constructor(
    private readonly values: Partial<Record<AwsSetting, { value: string; origin: ValueOrigin }>>,
    /** `--endpoint-url` / AWS_ENDPOINT_URL: an S3-compatible or emulated endpoint (path-style S3). */
    readonly endpoint: string | undefined,
    readonly outputs: StackOutputs | undefined,
    private readonly outputsFile: string,
    /** Why the outputs file could not be used (several stacks, none chosen); told when a value is missing. */
    private readonly outputsProblem?: OpsError,
  ) {}

  /** The value, or undefined when nothing sets it (an empty crawler output means "projection mode"). */
  get(name: AwsSetting): string | undefined {
    return this.values[name]?.value;
  }

  origin(name: AwsSetting): ValueOrigin | undefined {
    return this.values[name]?.origin;
  }

  /** The value; throws AWS_CONFIG_MISSING naming the flag, env var and Terraform output otherwise. */
  require(name: AwsSetting): string {
    const value = this.get(name);
    if (value) return value;
    if (this.outputsProblem) throw this.outputsProblem;
    const s: SettingSource = AWS_SETTINGS[name];
    const fileNote = this.outputs
      ? `${this.outputsFile} has no "${s.output}"`
      : `${this.outputsFile} was not found (${outputsHint(path.relative(process.cwd(), this.outputsFile))})`;
    throw new OpsError(
      'AWS_CONFIG_MISSING',
      `--target aws needs the ${s.label}`,
      `pass --${s.flag}, set ${s.env}, or provide Terraform output "${s.output}" in the outputs file; ${fileNote}`,
    );
  }

  /**
   * `s3://…/query-results/`: the stack's output unless the results bucket was overridden.
   * Undefined when neither is known (a workgroup that enforces its own location needs none);
   * `required` turns that into AWS_CONFIG_MISSING.
   */
  athenaOutputLocation(required = false): string | undefined {
    const fromStack = this.outputs?.values.athena_output_location;
    const origin = this.origin('resultsBucket');
    if (fromStack && (!origin || origin.startsWith('output'))) return fromStack;
    const bucket = required ? this.require('resultsBucket') : this.get('resultsBucket');
    return bucket ? `s3://${bucket}/${ATHENA_RESULTS_PREFIX}` : undefined;
  }

  /**
   * The workgroup dbt runs in: the stack's `dbt_athena_workgroup` (result location not enforced,
   * so dbt honours `s3_data_dir`) unless the workgroup was set by flag or variable.
   */
  dbtWorkgroup(): string {
    const fromStack = this.outputs?.values.dbt_athena_workgroup;
    const origin = this.origin('workgroup');
    if (fromStack && (!origin || origin.startsWith('output'))) return fromStack;
    return this.require('workgroup');
  }

  /** dbt-athena's `s3_data_dir` from the stack, if it declares one. */
  dbtS3DataDir(): string | undefined {
    return this.outputs?.values.dbt_s3_data_dir;
  }
}

/** Reads the outputs file (if any) and layers environment and flags over it. */
export async function resolveAwsConfig(input: AwsConfigInput): Promise<AwsConfig> {
  const explicitFile = input.outputsFile ?? input.env.STORE_SALES_OUTPUTS_FILE;
  const file = path.resolve(explicitFile ?? DEFAULT_OUTPUTS_FILE);
  const stack = input.stack ?? input.env.STORE_SALES_STACK;
  let outputs: StackOutputs | undefined;
  let problem: OpsError | undefined;
  try {
    outputs = await readStackOutputs(file, {
      required: explicitFile !== undefined,
      ...(stack ? { stack } : {}),
    });
  } catch (err) {
    // A file with several stacks, or none yet, matters only if a value must come from it.
    if (!(err instanceof OpsError && ['AWS_OUTPUTS_STACK', 'AWS_OUTPUTS_EMPTY'].includes(err.code)))
      throw err;
    problem = err;
  }
  const values: Partial<Record<AwsSetting, { value: string; origin: ValueOrigin }>> = {};
  for (const [name, s] of Object.entries(AWS_SETTINGS) as [AwsSetting, SettingSource][]) {
    const flag = input.flags[s.flag];
    const env = input.env[s.env];
    const output = outputs?.values[s.output];
    if (flag) values[name] = { value: flag, origin: `--${s.flag}` };
    else if (env || (env === '' && s.emptyIsValue)) values[name] = { value: env, origin: `$${s.env}` };
    else if (output !== undefined) values[name] = { value: output, origin: `output ${s.output}` };
  }
  const endpoint = input.flags['endpoint-url'] || input.env.AWS_ENDPOINT_URL || undefined;
  return new AwsConfig(values, endpoint, outputs, file, problem);
}
