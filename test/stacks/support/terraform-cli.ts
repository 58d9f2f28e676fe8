import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { AWS_PROVIDER_VERSION } from '../../../stacks/provider-version.js';

const run = promisify(execFile);

/** The Terraform binary the build image ships; STORE_SALES_TERRAFORM overrides it. */
export const TERRAFORM = process.env.STORE_SALES_TERRAFORM || '/usr/local/bin/terraform';
/** The offline provider mirror of the build image; STORE_SALES_TF_PLUGIN_DIR overrides it. */
export const PLUGIN_DIR = process.env.STORE_SALES_TF_PLUGIN_DIR || '/opt/tf-plugins';

/** The mirror folder that must hold the pinned AWS provider for this machine. */
export const providerMirrorDir = (): string =>
  path.join(PLUGIN_DIR, 'registry.terraform.io/hashicorp/aws', AWS_PROVIDER_VERSION, 'linux_amd64');

/**
 * Fails, with what to install, unless the machine has Terraform and the mirrored provider:
 * these tests never skip, since CI's `npm test` is where Terraform proves the stacks deploy.
 */
export function requireTerraform(): void {
  if (!existsSync(TERRAFORM)) {
    throw new Error(
      `Terraform not found at ${TERRAFORM}: install Terraform 1.11 there (the build image has it) ` +
        'or set STORE_SALES_TERRAFORM to its path',
    );
  }
  if (!existsSync(providerMirrorDir())) {
    throw new Error(
      `the AWS provider ${AWS_PROVIDER_VERSION} is not mirrored under ${providerMirrorDir()}: ` +
        `run \`terraform providers mirror ${PLUGIN_DIR}\` for the stack on a machine with network, ` +
        'or set STORE_SALES_TF_PLUGIN_DIR to a mirror that holds it',
    );
  }
}

/**
 * A CLI configuration whose only installation method is the filesystem mirror, so `init` can
 * never reach the registry (and no user ~/.terraformrc leaks in). Written into `dir`.
 */
export async function offlineCliConfig(dir: string): Promise<string> {
  const file = path.join(dir, 'offline.tfrc');
  await writeFile(
    file,
    `provider_installation {\n  filesystem_mirror {\n    path = "${PLUGIN_DIR}"\n  }\n}\n`,
  );
  return file;
}

export interface TerraformResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A Terraform CLI bound to one working folder (a synthesized stack) and one CLI config. */
export class Terraform {
  constructor(
    readonly dir: string,
    private readonly cliConfig: string,
  ) {}

  /** Runs `terraform <args>` without input or colour; resolves with the exit code, never throws. */
  async exec(...args: string[]): Promise<TerraformResult> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TF_CLI_CONFIG_FILE: this.cliConfig,
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      CHECKPOINT_DISABLE: '1',
    };
    delete env.TF_PLUGIN_CACHE_DIR;
    try {
      const { stdout, stderr } = await run(TERRAFORM, [...args, '-no-color'], {
        cwd: this.dir,
        env,
        maxBuffer: 64 * 1024 * 1024,
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      if (typeof e.code !== 'number') throw err;
      return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  }

  /** Like `exec`, but throws with Terraform's own output unless the exit code is one of `ok`. */
  async must(args: string[], ok: number[] = [0]): Promise<TerraformResult> {
    const res = await this.exec(...args);
    if (!ok.includes(res.code)) {
      throw new Error(
        `terraform ${args.join(' ')} in ${this.dir} exited ${res.code}:\n${tail(res.stderr)}\n${tail(res.stdout)}`,
      );
    }
    return res;
  }
}

const tail = (text: string): string => text.split('\n').slice(-60).join('\n');
