import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFailure, openWarehouse, warehousePath } from '../../../tools/duckdb/warehouse.js';

let lake: string;
beforeEach(async () => {
  lake = await mkdtemp(path.join(os.tmpdir(), 'warehouse-'));
});
afterEach(() => rm(lake, { recursive: true, force: true }));

describe('openWarehouse', () => {
  it('says another process holds the warehouse when one does, and retrying helps', async () => {
    await (await openWarehouse({ lake, create: true })).close();
    // a DuckDB lock is per process: another one holds it, as dbt or a Python session would
    const holder = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `const { DuckDBInstance } = await import('@duckdb/node-api');
         await DuckDBInstance.create(${JSON.stringify(warehousePath(lake))});
         console.log('held'); setTimeout(() => {}, 60_000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
      const err = await openWarehouse({ lake }).catch((e: unknown) => e);

      expect(err).toMatchObject({
        code: 'WAREHOUSE_UNAVAILABLE',
        message: expect.stringContaining('Conflicting lock'),
        hint: expect.stringMatching(/^another process has it open/),
      });
    } finally {
      const exited = once(holder, 'exit');
      holder.kill();
      await exited;
    }
    // once it has closed it
    await (await openWarehouse({ lake })).close();
  });

  it('says to move away a warehouse file that is no DuckDB database', async () => {
    await mkdir(lake, { recursive: true });
    await writeFile(warehousePath(lake), 'not a database');

    const err = await openWarehouse({ lake }).catch((e: unknown) => e);

    expect(err).toMatchObject({
      code: 'WAREHOUSE_UNAVAILABLE',
      hint: expect.stringMatching(/^move that file away, then run `npx ops crawl`/),
    });
  });

  it('blames no other process for a message that speaks of no lock', () => {
    const err = openFailure('/lake/warehouse.duckdb', new Error('IO Error: unsupported storage version'));
    expect(err).toMatchObject({
      code: 'WAREHOUSE_UNAVAILABLE',
      hint: expect.stringMatching(/^DuckDB cannot use that file as it is/),
    });
  });

  it('blames the file system, not another process, for a refused path (DuckDB says so in its message)', () => {
    // root ignores file modes, so the messages DuckDB gives are passed in as it words them
    for (const why of ['Permission denied', 'Read-only file system', 'No space left on device']) {
      const err = openFailure('/lake/warehouse.duckdb', new Error(`IO Error: Cannot open file "x": ${why}`));
      expect(err).toMatchObject({ code: 'FILE_SYSTEM', hint: expect.stringContaining('owner and mode') });
    }
  });
});
