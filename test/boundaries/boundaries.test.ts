import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../..');
const CONFIG = '.dependency-cruiser.mjs';

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

/**
 * Runs the project's boundary check (`depcruise`, as `npm run lint:boundaries` does) on `dir` and
 * returns each violation as `rule: from -> to`. depcruise exits 1 when it finds any, with its
 * JSON report still on stdout.
 */
async function depcruise(dir: string): Promise<string[]> {
  const bin = path.join(repo, 'node_modules/.bin/depcruise');
  const args = ['--config', CONFIG, '--output-type', 'json', '.'];
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(bin, args, { cwd: dir, maxBuffer: 64 * 1024 ** 2 }));
  } catch (err) {
    const out = (err as { stdout?: string }).stdout;
    if (!out) throw err;
    stdout = out;
  }
  const violations: Violation[] = JSON.parse(stdout).summary.violations;
  return violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
}

/**
 * A miniature of the repository: every top-level folder with one allowed import and one forbidden
 * one, all written as NodeNext `.js` specifiers of `.ts` files, so a violation is only reported if
 * the checker resolved the import to the real file. stacks/ reaches tools/ by a type-only import,
 * which counts too.
 */
const FIXTURE: Record<string, string> = {
  'tools/helper.ts': 'export const helper = 1;\n',
  'contracts/order.ts': [
    "import { readFileSync } from 'node:fs';",
    "import { z } from 'zod';",
    "import { helper } from '../tools/helper.js';",
    'export const order = [readFileSync, z, helper];',
  ].join('\n'),
  'lambda/build.ts': 'export const build = 1;\n',
  'lambda/handler.ts': [
    "import { order } from '../contracts/order.js';",
    "import { helper } from '../tools/helper.js';",
    "import { build } from './build.js';",
    'export const handler = [order, helper, build];',
  ].join('\n'),
  'stacks/stack.ts': [
    "import { order } from '../contracts/order.js';",
    "import { build } from '../lambda/build.js';",
    "import { handler } from '../lambda/handler.js';",
    "import type { helper } from '../tools/helper.js';",
    'export const stack: [unknown, unknown, unknown, typeof helper | undefined] = [order, build, handler, undefined];',
  ].join('\n'),
  'main.ts': "import { stack } from './stacks/stack.js';\nexport const app = stack;\n",
  'dashboards/page.ts': [
    "import { order } from '../contracts/order.js';",
    "import { helper } from '../tools/helper.js';",
    'export const page = [order, helper];',
  ].join('\n'),
  'tools/cycle-a.ts': "import { b } from './cycle-b.js';\nexport const a = () => b;\n",
  'tools/cycle-b.ts': "import { a } from './cycle-a.js';\nexport const b = () => a;\n",
  'tools/left/one.ts': "import { two } from '../right/two.js';\nexport const one = two;\n",
  'tools/right/three.ts': "import { four } from '../left/four.js';\nexport const three = four;\n",
  'tools/right/two.ts': 'export const two = 2;\n',
  'tools/left/four.ts': 'export const four = 4;\n',
  // Unresolvable: a sibling, a package that is not installed, and a parent-relative path inside an
  // allowed folder (reported once, not also as a boundary violation).
  'tools/broken.ts':
    "import 'no-such-package';\nimport { gone } from './missing.js';\nexport const broken = gone;\n",
  'lambda/lost.ts': "import { gone } from '../contracts/missing.js';\nexport const lost = gone;\n",
  'test/anything.test.ts': [
    "import { handler } from '../lambda/handler.js';",
    "import { helper } from '../tools/helper.js';",
    'export const t = [handler, helper];',
  ].join('\n'),
};

let fixture: string;
let onRepo: string[];
let onFixture: string[];
beforeAll(async () => {
  fixture = await mkdtemp(path.join(os.tmpdir(), 'boundaries-'));
  await copyFile(path.join(repo, CONFIG), path.join(fixture, CONFIG));
  // npm packages resolve (so `zod` is not "unresolvable") but stay outside the rules, as in the repo.
  await symlink(path.join(repo, 'node_modules'), path.join(fixture, 'node_modules'));
  for (const [file, text] of Object.entries(FIXTURE)) {
    await mkdir(path.dirname(path.join(fixture, file)), { recursive: true });
    await writeFile(path.join(fixture, file), text);
  }
  [onRepo, onFixture] = await Promise.all([depcruise(repo), depcruise(fixture)]);
}, 60_000);
afterAll(() => rm(fixture, { recursive: true, force: true }));

describe('the dependency rules (`npm run lint:boundaries`)', () => {
  it('hold on the repository', () => {
    expect(onRepo).toEqual([]);
  });

  it('report every planted violation by its rule, and nothing that is allowed', () => {
    expect(onFixture).toEqual([
      'contracts-imports-nothing: contracts/order.ts -> tools/helper.ts',
      'dashboards-import-only-contracts: dashboards/page.ts -> tools/helper.ts',
      'lambda-imports-only-contracts: lambda/handler.ts -> tools/helper.ts',
      'no-circular-folders: tools/left -> tools/right',
      'no-circular-folders: tools/right -> tools/left',
      'no-circular: tools/cycle-a.ts -> tools/cycle-b.ts',
      'not-to-unresolvable: lambda/lost.ts -> ../contracts/missing.js',
      'not-to-unresolvable: tools/broken.ts -> ./missing.js',
      'not-to-unresolvable: tools/broken.ts -> no-such-package',
      'stacks-import-only-contracts-and-lambda-build: stacks/stack.ts -> lambda/handler.ts',
      'stacks-import-only-contracts-and-lambda-build: stacks/stack.ts -> tools/helper.ts',
    ]);
  });
});
