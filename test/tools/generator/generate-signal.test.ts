import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { rawDir, tempLake } from './lake-fixture.js';

// `ops generate` told to stop (SIGTERM, as `kill` or a CI timeout sends) while it writes a month:
// it ends by the signal, and no temporary is left beside the files it finished.

const root = path.resolve(import.meta.dirname, '..', '..', '..');

async function stoppedWhileWriting(workers: number) {
  const lake = await tempLake();
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'tools/ops.ts',
      'generate',
      '--lake',
      lake,
      '--months',
      String(workers),
      '--orders-per-month',
      '400k',
      '--workers',
      String(workers),
    ],
    { cwd: root, stdio: 'ignore' },
  );
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  const names = () => readdir(rawDir(lake)).catch(() => [] as string[]);
  let writing: string[] = [];
  for (let i = 0; i < 1_000 && !writing.length; i++) {
    await sleep(20);
    writing = (await names()).filter((n) => n.endsWith('.tmp'));
  }
  child.kill('SIGTERM');
  return { writing, ended: await exited, left: await names() };
}

describe('ops generate stopped by a signal while writing', () => {
  it.each([1, 2])(
    'with %i process(es): ends by SIGTERM and leaves no temporary',
    async (workers) => {
      const { writing, ended, left } = await stoppedWhileWriting(workers);

      expect(writing.length, 'a temporary was being written when the signal came').toBeGreaterThan(0);
      expect(ended).toBe('SIGTERM');
      expect(left.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    },
    60_000,
  );
});
