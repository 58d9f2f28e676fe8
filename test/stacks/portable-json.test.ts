import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Synthesized, synthStacks } from './synth-fixture.js';

// The synthesized JSON must mean the same thing wherever it is moved, committed or synthesized:
// no string in it may name a file by an absolute path (cdktf's default local backend did).
let synth: Synthesized;
beforeAll(async () => {
  synth = await synthStacks({ STORE_SALES_AWS_REGION: 'us-east-2' });
});
afterAll(() => synth?.cleanup());

/** Every string value anywhere in the JSON (with where it is, for `runsElsewhere`). */
function strings(value: unknown, out: string[] = [], at = ''): string[] {
  if (typeof value === 'string') {
    if (!runsElsewhere(at)) out.push(value);
  } else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) strings(v, out, `${at}.${k}`);
  return out;
}

/**
 * Paths that are not this machine's: the environment of the CodeBuild refresh runner names files
 * inside its build image (e.g. the Chrome its buildspec installs).
 */
const runsElsewhere = (at: string) => /\.aws_codebuild_project\.[^.]+\.environment\./.test(at);

/** CloudWatch log group names start with `/aws/`: names in AWS, not files. */
const isAwsName = (s: string) => s.startsWith('/aws/');

describe.each(['dev', 'prod'] as const)('%s stack JSON', (stage) => {
  it('holds no absolute path', () => {
    const all = strings(synth.stacks[stage]);
    const absolute = all.filter((s) => path.isAbsolute(s) && !isAwsName(s));
    expect(absolute).toEqual([]);
    for (const where of [process.cwd(), synth.outdir, os.homedir()])
      expect(all.filter((s) => s.includes(where))).toEqual([]);
  });

  it('keeps local state next to cdk.tf.json, and every file it references exists there', () => {
    const stackDir = path.dirname(synth.files[stage]);
    expect(synth.stacks[stage].terraform.backend).toEqual({
      local: { path: `../../../terraform.store-sales-${stage}.tfstate` },
    });
    const files = strings(synth.stacks[stage]).filter((s) => s.startsWith('assets/'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(existsSync(path.join(stackDir, file)), file).toBe(true);
  });

  it('uses the region chosen at synth', () => {
    expect(synth.stacks[stage].provider.aws?.[0]).toMatchObject({ region: 'us-east-2' });
    expect(synth.stacks[stage].output.region?.value).toBe('us-east-2');
  });
});
