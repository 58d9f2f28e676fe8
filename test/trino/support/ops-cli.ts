import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** What one `ops` run printed and how it exited. */
export interface OpsRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the `ops` CLI in a child process, as a user does (`tools/ops.ts` under tsx), without
 * blocking the test worker. `env` is added to this process's environment.
 */
export function ops(args: string[], env: NodeJS.ProcessEnv = {}): Promise<OpsRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/ops.ts', ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
