import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { zipFiles } from './lambda-archive.js';

const run = promisify(execFile);

/**
 * The refresh runner's source: every file git tracks in `repoDir` (`git ls-files`), as it is on
 * disk, in one deterministic zip (sorted, fixed mtime, see `zipFiles`). Untracked files (the
 * lake, node_modules, .venv, cdktf.out) never ship; a tracked file deleted from the work tree is
 * left out. The same tree gives the same bytes, so the stack re-uploads only when the code changes.
 * Returns the archive size and the number of files.
 */
export async function zipTrackedFiles(
  repoDir: string,
  zipFile: string,
): Promise<{ bytes: number; files: number }> {
  const { stdout } = await run('git', ['ls-files', '-z', '--cached'], {
    cwd: repoDir,
    maxBuffer: 64 * 1024 * 1024,
  });
  const tracked = stdout.split('\0').filter(Boolean);
  const present: string[] = [];
  for (const name of tracked) {
    const exists = await access(path.join(repoDir, name)).then(
      () => true,
      () => false,
    );
    if (exists) present.push(name);
  }
  if (!present.includes('package-lock.json')) {
    throw new Error(`${repoDir} has no tracked package-lock.json: the runner's \`npm ci\` needs it`);
  }
  return { bytes: await zipFiles(repoDir, present, zipFile), files: present.length };
}
