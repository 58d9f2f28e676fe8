import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The AWS SDK's Node 20 notice ("NodeVersionSupportWarning") is switched off through its documented
// variable by `ops` and by the test configuration (docs/internals.md explains why Node 20 stays).
const SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
const WARNING = /NodeVersionSupportWarning/;
const nodeMajor = Number(process.versions.node.split('.')[0]);
const root = path.resolve(import.meta.dirname, '..', '..', '..');

let lake: string;
beforeAll(async () => {
  lake = await mkdtemp(path.join(os.tmpdir(), 'sdk-warning-'));
  await mkdir(path.join(lake, 'raw', 'store_sales'), { recursive: true });
  await writeFile(path.join(lake, 'raw', 'store_sales', 'orders_2025_01.json'), '{}\n');
  await writeFile(path.join(lake, 'outputs.json'), '{}');
});
afterAll(() => rm(lake, { recursive: true, force: true }));

/** `ops upload --target aws` against a closed port: it builds a real S3 client, then fails. */
function upload(switchValue: string | undefined): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' };
  delete env[SWITCH];
  if (switchValue !== undefined) env[SWITCH] = switchValue;
  const args = ['--import', 'tsx', 'tools/ops.ts', 'upload', '--target', 'aws', '--lake', lake];
  args.push('--raw-bucket', 'b', '--region', 'eu-west-1', '--endpoint-url', 'http://127.0.0.1:9');
  args.push('--outputs-file', path.join(lake, 'outputs.json'));
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: root, env }, (_err, stdout, stderr) => resolve(stdout + stderr));
  });
}

describe("the AWS SDK's Node-version warning", () => {
  it('is not printed by a --target aws command', async () => {
    const out = await upload(undefined);
    expect(out).toMatch(/error \[AWS_UNREACHABLE\]/); // the client was built and used
    expect(out).not.toMatch(WARNING);
  });

  it.runIf(nodeMajor < 22)('would be printed without the switch (so the check above can fail)', async () => {
    expect(await upload('false')).toMatch(WARNING);
  });

  it('is not emitted inside the test run', async () => {
    const warnings: string[] = [];
    const listen = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', listen);
    try {
      new S3Client({ region: 'eu-west-1' }).destroy();
      await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    } finally {
      process.off('warning', listen);
    }
    expect(process.env[SWITCH]).toBe('true');
    expect(warnings.filter((w) => WARNING.test(w))).toEqual([]);
  });
});
