import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_EXPORTS, RUN_METADATA_FILE } from '../../../contracts/csv-exports.js';
import { LAKE } from '../../../contracts/lake-layout.js';
import { exportOutputsOn } from '../../../tools/commands/export-outputs.js';
import { docsIndexOf } from '../../../tools/docs/docs-link.js';
import { runLocalEtl } from '../../../tools/etl/run-local-etl.js';
import { lakePath } from '../../../tools/lib/lake-path.js';
import { buildLake } from '../../dbt/dbt-lake.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..', '..');

/** `ops refresh --lake LAKE` as a user (or the runner) types it: exit code and output. */
const refresh = (lake: string) =>
  run('npx', ['tsx', 'tools/ops.ts', 'refresh', '--target', 'local', '--lake', lake], {
    cwd: root,
    timeout: 300_000,
  }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );

/** Every published file (CSVs and dashboard) with its content. */
async function published(lake: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const dir of [LAKE.csvExports, LAKE.dashboard]) {
    for (const f of await readdir(lakePath(lake, dir))) {
      files[`${dir}${f}`] = (await readFile(path.join(lakePath(lake, dir), f))).toString('base64');
    }
  }
  return files;
}

describe('ops refresh --target local, on a lake the pipeline has loaded', () => {
  let lake: string;
  beforeAll(async () => {
    lake = await buildLake(40, 'refresh-lake-');
  }, 300_000);
  afterAll(() => rm(lake, { recursive: true, force: true }));

  it('rebuilds the marts and publishes every CSV and the dashboard, in one summary', {
    timeout: 300_000,
  }, async () => {
    // as `ops docs` leaves them: the published page must link them from where it is published
    await mkdir(path.dirname(docsIndexOf(lake)), { recursive: true });
    await writeFile(docsIndexOf(lake), '<html></html>');
    const r = await refresh(lake);

    expect(r.code, r.out).toBe(0);
    expect(await readFile(lakePath(lake, `${LAKE.dashboard}index.html`), 'utf8')).toContain(
      '<a href="../docs/index.html" data-docs-link',
    );
    for (const step of ['crawl', 'create-views', 'transform', 'export-outputs', 'dashboard', 'publish']) {
      expect(r.out).toMatch(new RegExp(`^\\s*${step}\\s+\\S`, 'm'));
    }
    const files = await published(lake);
    expect(Object.keys(files).sort()).toEqual(
      [
        ...CSV_EXPORTS.map((s) => `${LAKE.csvExports}${s.file}`),
        `${LAKE.csvExports}${RUN_METADATA_FILE}`,
        `${LAKE.dashboard}dashboard.pdf`,
        `${LAKE.dashboard}dashboard.png`,
        `${LAKE.dashboard}index.html`,
      ].sort(),
    );
    // the published CSVs are what export-outputs makes from the marts dbt just built
    const direct = await exportOutputsOn({ target: 'local', lake, out: path.join(lake, 'direct') });
    for (const { file } of direct.files) {
      expect(await readFile(lakePath(lake, `${LAKE.csvExports}${file}`), 'utf8'), file).toBe(
        await readFile(path.join(direct.outDir, file), 'utf8'),
      );
    }
    await rm(direct.outDir, { recursive: true });
    expect((await readdir(lake)).filter((f) => f.startsWith('.refresh'))).toEqual([]);
  });

  it('warns, naming the lake, when a month was deleted since the marts were built', {
    timeout: 120_000,
  }, async () => {
    const month = path.join(lake, 'raw', 'store_sales', 'orders_2025_12.json');
    const kept = await readFile(month);
    await rm(month);
    try {
      expect((await runLocalEtl({ lake })).retired).toEqual(['raw/store_sales/orders_2025_12.json']);

      const out = path.join(lake, 'stale-check');
      const r = await run('npx', ['tsx', 'tools/ops.ts', 'export-outputs', '--lake', lake, '--out', out], {
        cwd: root,
      });

      expect(r.stdout + r.stderr).toContain(
        `WARNING: the marts were built from before the last ETL run, so data it loaded may be missing: run \`npx ops transform --lake ${lake}\``,
      );
      await rm(out, { recursive: true });
    } finally {
      // the month back, as it was: the next test compares with what the first one published
      await writeFile(month, kept);
      await runLocalEtl({ lake });
    }
  });

  it('is idempotent, and a failing step leaves the previous published results in place', {
    timeout: 300_000,
  }, async () => {
    const before = await published(lake);
    const again = await refresh(lake);
    expect(again.code, again.out).toBe(0);
    const after = await published(lake);
    for (const { file } of CSV_EXPORTS) {
      expect(after[`${LAKE.csvExports}${file}`], file).toBe(before[`${LAKE.csvExports}${file}`]);
    }

    // without its fact files the catalog step fails: nothing published may change
    await rm(lakePath(lake, LAKE.processedPrefix), { recursive: true });
    const failed = await refresh(lake);

    expect(failed.code).toBe(1);
    expect(failed.out).toMatch(
      /refresh stopped at crawl: .*; nothing was published, the staged results are removed/,
    );
    expect(await published(lake)).toEqual(after);
    expect((await readdir(lake)).filter((f) => f.startsWith('.refresh'))).toEqual([]);
  });
});
