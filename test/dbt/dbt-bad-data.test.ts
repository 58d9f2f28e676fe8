import { copyFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAKE } from '../../contracts/lake-layout.js';
import { runTransform } from '../../tools/commands/transform.js';
import { lakePath } from '../../tools/lib/lake-path.js';
import { buildLake } from './dbt-lake.js';

describe('dbt build on planted bad data', () => {
  let lake: string;

  beforeAll(async () => {
    lake = await buildLake(150, 'dbt-bad-lake-');
  });
  afterAll(async () => {
    await rm(lake, { recursive: true, force: true });
  });

  it('fails on a duplicated order row and names the unique test that caught it', async () => {
    // the same month's Parquet under a second name: every order of March appears twice
    const march = path.join(lakePath(lake, LAKE.factOrders), 'order_year=2025', 'order_month=03');
    const [file] = (await readdir(march)).filter((f) => f.endsWith('.parquet'));
    await copyFile(path.join(march, file!), path.join(march, `copy-${file}`));
    const lines: string[] = [];

    const run = runTransform({
      target: 'local',
      lake,
      artifactsDir: path.join(lake, '.dbt'),
      onLine: (l) => lines.push(l),
    });

    await expect(run).rejects.toMatchObject({
      code: 'DBT_BUILD_FAILED',
      message: expect.stringMatching(/\bunique_stg_fact_orders_order_id \(fail\)/),
    });
    expect(lines.some((l) => /FAIL \d+ unique_stg_fact_orders_order_id/.test(l))).toBe(true);
  });
});
