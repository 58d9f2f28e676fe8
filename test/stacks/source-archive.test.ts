import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { zipTrackedFiles } from '../../stacks/source-archive.js';

let repo: string;
const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });

beforeEach(async () => {
  repo = await mkdtemp(path.join(os.tmpdir(), 'source-archive-'));
  git('init', '-q');
  await mkdir(path.join(repo, 'tools'), { recursive: true });
  await writeFile(path.join(repo, 'package.json'), '{"name":"x"}\n');
  await writeFile(path.join(repo, 'package-lock.json'), '{}\n');
  await writeFile(path.join(repo, 'tools', 'ops.ts'), 'export {};\n');
  await writeFile(path.join(repo, 'gone.txt'), 'soon deleted\n');
  git('add', '.');
  // Untracked and ignored files never ship.
  await mkdir(path.join(repo, 'lake'), { recursive: true });
  await writeFile(path.join(repo, 'lake', 'warehouse.duckdb'), 'data');
  await writeFile(path.join(repo, 'notes.txt'), 'untracked');
});
afterEach(() => rm(repo, { recursive: true, force: true }));

describe("the refresh runner's source zip", () => {
  it('holds exactly the tracked files present on disk, with their bytes', async () => {
    await rm(path.join(repo, 'gone.txt'));
    const zip = path.join(repo, '..', `${path.basename(repo)}.zip`);
    const { files } = await zipTrackedFiles(repo, zip);
    const entries = unzipSync(new Uint8Array(await readFile(zip)));
    await rm(zip);
    expect(files).toBe(3);
    expect(Object.keys(entries).sort()).toEqual(['package-lock.json', 'package.json', 'tools/ops.ts']);
    expect(Buffer.from(entries['tools/ops.ts']!).toString()).toBe('export {};\n');
  });

  it('is byte-identical for the same files whatever their timestamps, and changes with a file', async () => {
    const zipA = `${repo}-a.zip`;
    const zipB = `${repo}-b.zip`;
    try {
      await zipTrackedFiles(repo, zipA);
      await utimes(path.join(repo, 'package.json'), new Date('2030-01-01'), new Date('2030-01-01'));
      await zipTrackedFiles(repo, zipB);
      expect(Buffer.compare(await readFile(zipA), await readFile(zipB))).toBe(0);
      await writeFile(path.join(repo, 'tools', 'ops.ts'), 'export const changed = 1;\n');
      await zipTrackedFiles(repo, zipB);
      expect(Buffer.compare(await readFile(zipA), await readFile(zipB))).not.toBe(0);
    } finally {
      await rm(zipA, { force: true });
      await rm(zipB, { force: true });
    }
  });

  it('refuses a tree without a tracked package-lock.json (the build runs `npm ci`)', async () => {
    git('rm', '-q', '--cached', 'package-lock.json');
    await expect(zipTrackedFiles(repo, `${repo}.zip`)).rejects.toThrow(/package-lock\.json/);
  });
});
