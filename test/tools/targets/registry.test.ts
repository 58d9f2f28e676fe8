import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import yargs, { type CommandModule } from 'yargs';
import { OpsError } from '../../../contracts/ops-error.js';
import { generateCommand } from '../../../tools/commands/generate.js';
import { pipelineCommand } from '../../../tools/commands/pipeline.js';
import { uploadCommand } from '../../../tools/commands/upload.js';
import { TARGET_NAMES, targetFor } from '../../../tools/targets/registry.js';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const args = (target: string) => ({ target, lake: '/nonexistent-lake' });

/** A command's `--help`. */
function helpOf(command: CommandModule<object, never>, name: string): Promise<string> {
  return new Promise<string>((resolve) => {
    yargs()
      .command(command)
      .wrap(null)
      .exitProcess(false)
      .parse([name, '--help'], {}, (_err, _argv, output) => resolve(output));
  });
}

/** The `--target` choices a command's `--help` offers. */
async function targetChoices(command: CommandModule<object, never>, name: string): Promise<string[]> {
  const help = await helpOf(command, name);
  const line = help.split('\n').find((l) => l.trimStart().startsWith('--target'));
  return [...(line?.match(/\[choices: ([^\]]+)\]/)?.[1] ?? '').matchAll(/"(\w+)"/g)].map((m) => m[1]!);
}

describe('the target registry', () => {
  it('offers every registered target as a --target choice, each under its own name', () => {
    expect(TARGET_NAMES).toEqual(['local', 'aws', 'trino']);
    for (const name of TARGET_NAMES) expect(targetFor(name).name).toBe(name);
  });

  it('help offers only the targets a command supports', async () => {
    const withPipeline = TARGET_NAMES.filter((n) => targetFor(n).pipeline.length > 0);
    expect(await targetChoices(pipelineCommand as never, 'pipeline')).toEqual(withPipeline);
    // aws refuses to generate (LOCAL_ONLY), so generate's help does not offer it
    expect(await targetChoices(generateCommand as never, 'generate')).toEqual(['local', 'trino']);
  });

  it("upload's help offers every target (the others say to use aws) but only AWS's flags", async () => {
    const help = await helpOf(uploadCommand as never, 'upload');

    expect(await targetChoices(uploadCommand as never, 'upload')).toEqual(TARGET_NAMES);
    expect(help).toContain('--raw-bucket');
    expect(help).not.toContain('--trino-url');
    expect(help).not.toContain('Trino (--target trino');
  });

  it('refuses an unknown target, listing the known ones', () => {
    expect(() => targetFor('spark')).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_TARGET', hint: expect.stringContaining('local, aws, trino') }),
    );
  });

  it('says which pipeline steps apply to each target', () => {
    expect(targetFor('local').pipeline).toEqual([
      'generate',
      'etl',
      'crawl',
      'create-views',
      'transform',
      'export-outputs',
      'dashboard',
    ]);
    expect(targetFor('aws').pipeline).toEqual([
      'upload',
      'etl',
      'crawl',
      'create-views',
      'transform',
      'export-outputs',
      'dashboard',
    ]);
  });

  it('answers a capability the target lacks with the OpsError saying what to do', async () => {
    const upload = await targetFor('local')
      .upload(args('local'), { concurrency: 1 })
      .catch((e: unknown) => e);
    const generate = await targetFor('aws')
      .generate(args('aws'), { from: '2025-01', months: 1, ordersPerMonth: 1, seed: 1, force: false })
      .catch((e: unknown) => e);

    expect(upload).toBeInstanceOf(OpsError);
    expect(upload).toMatchObject({ code: 'UPLOAD_NEEDS_AWS', hint: expect.stringContaining('--target aws') });
    expect(generate).toMatchObject({ code: 'LOCAL_ONLY', hint: expect.stringContaining('ops upload') });
  });

  it('binds each target to its dbt profile and checks what dbt needs before it starts', () => {
    expect(targetFor('local').dbt.profile).toBe('local');
    expect(targetFor('aws').dbt.profile).toBe('athena');
    expect(() => targetFor('local').dbt.preflight(args('local'))).toThrow(
      expect.objectContaining({ code: 'NO_WAREHOUSE' }),
    );
  });

  it('publishes results into the lake on both targets', () => {
    for (const name of TARGET_NAMES) {
      expect(targetFor(name).published(args(name))).toEqual({
        csvDir: '/nonexistent-lake/analytics_outputs',
        dashboardDir: '/nonexistent-lake/dashboard',
      });
    }
  });

  it('ops pipeline --target aws runs the aws steps, starting with upload', async () => {
    const env = { ...process.env };
    for (const name of Object.keys(env)) {
      if (/^(AWS_|STORE_SALES_|ATHENA_)/.test(name)) delete env[name];
    }
    const stderr = await new Promise<string>((resolve) => {
      execFile(
        process.execPath,
        [
          '--import',
          'tsx',
          'tools/ops.ts',
          'pipeline',
          '--target',
          'aws',
          '--outputs-file',
          '/nonexistent.json',
        ],
        { cwd: root, env },
        (_err, _stdout, err) => resolve(err),
      );
    });
    expect(stderr).toContain('[1/7] upload');
    expect(stderr).not.toContain('generate');
    expect(stderr).toMatch(/error \[\w+\]/);
  });
});
