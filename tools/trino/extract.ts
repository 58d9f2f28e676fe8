import { spawnTied } from '../lib/child-processes.js';

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawnTied(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr.trim()}`)),
    );
  });
}

/** Unpacks a .tar.gz with the system tar, which keeps the launcher's execute bits. */
export const extractTarGz = (file: string, into: string): Promise<void> =>
  run('tar', ['-xzf', file, '-C', into]);

/**
 * Unpacks a .zip with Python's zipfile (Python is already a prerequisite for dbt; `unzip` is not
 * installed everywhere). The Hive plugin holds only jars, which need no execute bits.
 */
export const extractZip = (file: string, into: string): Promise<void> =>
  run(process.env.PYTHON ?? 'python3', ['-m', 'zipfile', '-e', file, into]);
