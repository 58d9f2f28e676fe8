import { existsSync, symlinkSync } from 'node:fs';
import path from 'node:path';

/**
 * Vitest global setup for mutation runs: Stryker copies the project into
 * `.stryker-tmp/sandbox-*` without the Python venv (a large folder, often a symlink), and the
 * Parquet tests read files back with its pyarrow. Links the project's venv into the sandbox.
 */
export default function linkVenvIntoSandbox(): void {
  const cwd = process.cwd();
  const marker = `${path.sep}.stryker-tmp${path.sep}`;
  const at = cwd.indexOf(marker);
  if (at < 0) return;
  const venv = path.join(cwd.slice(0, at), '.venv');
  const link = path.join(cwd, '.venv');
  if (existsSync(venv) && !existsSync(link)) symlinkSync(venv, link, 'dir');
}
