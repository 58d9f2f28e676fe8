import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAKE } from '../../contracts/lake-layout.js';
import { openDuckDbEngine } from '../../tools/duckdb/duckdb-engine.js';
import { DBT_PROJECT_DIR } from '../../tools/engines/dbt-runner.js';
import { lakePath } from '../../tools/lib/lake-path.js';
import { buildLake, copyDbtProject, dbtOn as dbtOnWarehouse, transformLake } from './dbt-lake.js';

// The staging tests scoped to the months whose files changed (dbt/macros/fact_test_scope.sql).

const ALL_MONTHS = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`);
const RECONCILE = 'assert_order_lines_reconcile_with_orders';
/** The lines' order test, which looks the months it reads up among every order. */
const ORDER_TEST = 'stg_fact_order_items_order_exists_on_its_date';
/** The key tests, which look up the months they read among every row. */
const KEY_TESTS = ['unique_stg_fact_orders_order_id', 'stg_fact_order_items_key_unique'];

/** The one Parquet file of a fact table's month. */
async function monthFile(lake: string, table: string, month: string): Promise<string> {
  const dir = path.join(lakePath(lake, table), 'order_year=2025', `order_month=${month}`);
  const [file] = (await readdir(dir)).filter((f) => f.endsWith('.parquet'));
  return path.join(dir, file!);
}

/**
 * The SQL files of the staging tests and the reconciliation in a dbt target folder: as run
 * (`run`: of the last invocation, which starts without the folder) or as compiled (`compiled`).
 */
async function scopedTestFiles(target: string, phase: 'run' | 'compiled'): Promise<string[]> {
  const root = path.join(target, phase, 'store_sales');
  const staging = path.join(root, 'models', 'staging', '_staging.yml');
  const reconcile = path.join(root, 'tests', `${RECONCILE}.sql`);
  return [
    ...(await readdir(staging)).map((f) => path.join(staging, f)),
    // a run that did not run the reconciliation (`dbt retry` of one test) has no file of it
    ...(existsSync(reconcile) ? [reconcile] : []),
  ];
}

/**
 * Per staging test (and the lines/orders reconciliation) that ran in the last dbt invocation
 * writing to `target` (each run starts without run/, see `transform` and `dbtOn`), the months its compiled SQL reads: `all` when it has no month filter (not
 * scoped, or no month passed yet). A scoped test leaves out the partition months it passed
 * (`… order_month in ('2025-01', …)`).
 */
async function monthsRead(target: string): Promise<Record<string, string[] | 'all'>> {
  const read: Record<string, string[] | 'all'> = {};
  for (const file of await scopedTestFiles(target, 'run')) {
    const sql = await readFile(file, 'utf8');
    const name = path.basename(file, '.sql');
    const scopes = [
      ...sql.matchAll(
        /where not coalesce\(order_year \|\| '-' \|\| order_month in \(([^)]*)\), false\)\) dbt_subquery/g,
      ),
    ];
    read[name] = scopes.length
      ? ALL_MONTHS.filter((m) => scopes.some((s) => !(s[1] ?? '').includes(`'${m}'`)))
      : 'all';
  }
  return read;
}

/** Every staging test (the key tests included) and the reconciliation read `months`. */
function expectEveryScopedTestReads(read: Record<string, string[] | 'all'>, months: string[] | 'all'): void {
  const scoped = Object.entries(read);
  expect(scoped.length).toBeGreaterThanOrEqual(30);
  expect(Object.keys(read)).toEqual(expect.arrayContaining([RECONCILE, ...KEY_TESTS]));
  for (const [name, read_] of scoped) expect({ name, read: read_ }).toEqual({ name, read: months });
}

describe('staging tests read only the months whose files changed (12 x 150 orders)', () => {
  let lake: string;
  const target = () => path.join(lake, '.dbt', 'target');

  // the staging models, their tests and the reconciliation: what the scope concerns, in half the
  // time of a whole build (the first build, in beforeAll, is whole)
  // time of a whole build (the first build, in beforeAll, is whole). Without the last run's run/
  // folder: dbt leaves a node's file there until it runs the node again, and monthsRead reads them
  const transform = async (fullRefresh = false) => {
    await rm(path.join(target(), 'run'), { recursive: true, force: true });
    await transformLake(lake, fullRefresh, ['staging', RECONCILE]);
  };

  /**
   * Rewrites one month's file of `table` with each column of `values` set to its value (SQL) on
   * the rows `where` selects (SQL; by default the first row of the month's first order); the
   * original is kept beside it for `restore` (withRewrites calls it), and put back at once if
   * the rewrite fails.
   */
  async function rewriteRows(
    table: string,
    month: string,
    values: Record<string, string>,
    where = `row_number() OVER (ORDER BY order_id, ${table === LAKE.factOrders ? '1' : 'line_number'}) = 1`,
  ) {
    const file = await monthFile(lake, table, month);
    const original = `${file}.orig`;
    await copyFile(file, original);
    const restore = async () => {
      await copyFile(original, file);
      await rm(original);
    };
    const db = await openDuckDbEngine(':memory:');
    try {
      const replace = Object.entries(values).map(
        ([column, value]) => `CASE WHEN ${where} THEN ${value} ELSE ${column} END AS ${column}`,
      );
      await db.exec(
        `COPY (SELECT * REPLACE (${replace.join(', ')}) FROM read_parquet('${original}')) TO '${file}' (FORMAT parquet)`,
      );
    } catch (err) {
      await restore();
      throw err;
    } finally {
      await db.close();
    }
    return { restore };
  }

  /** The least order_id of a month's orders (meeting `where`, SQL on fact_orders' columns). */
  async function firstOrderId(month: string, where = 'true'): Promise<string> {
    const db = await openDuckDbEngine(':memory:');
    try {
      const [row] = await db.query(
        `SELECT min(order_id) AS id FROM read_parquet('${await monthFile(lake, LAKE.factOrders, month)}') WHERE ${where}`,
      );
      expect(row?.id).toEqual(expect.any(String));
      return String(row?.id);
    } finally {
      await db.close();
    }
  }

  /**
   * Runs `check` on the files the `rewrites` (calls of rewriteRows, in order) make, then puts back
   * every file rewritten, even when a later rewrite or `check` throws.
   */
  async function withRewrites(
    rewrites: (() => ReturnType<typeof rewriteRows>)[],
    check: () => Promise<void>,
  ): Promise<void> {
    const done: Awaited<ReturnType<typeof rewriteRows>>[] = [];
    try {
      for (const rewrite of rewrites) done.push(await rewrite());
      await check();
    } finally {
      for (const file of done.reverse()) await file.restore();
    }
  }

  /** One month's order-line file with one line's category broken (not a key). */
  const breakCategory = (month: string) =>
    rewriteRows(LAKE.factOrderItems, month, { category: "'Bad Category'" });

  /**
   * After a case put its files (or a view) back: one build re-reads what the case changed
   * (`changed`: its months, or `all`) and no other month, and records it. That it recorded
   * everything shows in the next case's first build, where every scoped test reads exactly what
   * that case changed; where the next case does not check that (`verify`), a second build here
   * must read nothing.
   */
  async function expectSettled(changed: string[] | 'all', { verify = false } = {}): Promise<void> {
    await transform();
    if (changed !== 'all') {
      const read = await monthsRead(target());
      expect(Object.keys(read).length).toBeGreaterThanOrEqual(30);
      for (const [name, months] of Object.entries(read))
        expect({ name, months }).toEqual({
          name,
          months: months === 'all' ? changed : months.filter((m) => changed.includes(m)),
        });
    }
    if (verify) {
      await transform();
      expectEveryScopedTestReads(await monthsRead(target()), []);
    }
  }

  /** dbt `args` on the lake's warehouse from `project` (a copy of dbt/, or dbt/ itself). */
  const dbtOn = (project: string, args: string[], targetPath: string) =>
    dbtOnWarehouse(project, args, targetPath, path.join(lake, 'warehouse.duckdb'));

  /** Rewrites a text file of a project copy; fails if `change` leaves it as it was. */
  async function edit(file: string, change: (text: string) => string): Promise<void> {
    const text = await readFile(file, 'utf8');
    const changed = change(text);
    expect(changed).not.toBe(text);
    await writeFile(file, changed);
  }

  /** The nodes of the last transform (its run_results.json). */
  async function lastResults(): Promise<{ unique_id: string; failures: number | null }[]> {
    return JSON.parse(await readFile(path.join(target(), 'run_results.json'), 'utf8')).results;
  }

  /** The failing rows the last transform's test `name` counted. */
  async function failuresOf(name: string): Promise<number> {
    const [test] = (await lastResults()).filter((r) => r.unique_id.startsWith(`test.store_sales.${name}`));
    return Number(test?.failures);
  }

  /** What dbt printed when a direct run (dbtOn) failed, or 'passed'. */
  const dbtFailures = (run: Promise<unknown>) =>
    run.then(
      () => 'passed',
      (err: { stdout?: string }) => String(err.stdout),
    );

  /** A transform's error message (which tests failed), or 'passed'. */
  const transformFailures = () =>
    transform().then(
      () => 'passed',
      (err: Error) => err.message,
    );

  beforeAll(async () => {
    lake = await buildLake(150, 'dbt-scope-');
    await transformLake(lake);
  });
  afterAll(async () => {
    await rm(lake, { recursive: true, force: true });
  });

  it('the first build read every month; an unchanged lake is read by none of the scoped tests', async () => {
    expectEveryScopedTestReads(await monthsRead(target()), 'all');
    await transform();
    expectEveryScopedTestReads(await monthsRead(target()), []);
    // the builds after the first build the selection only: the staging models, no other
    const models = (await lastResults()).map((r) => r.unique_id).filter((id) => id.startsWith('model.'));
    expect(models.sort()).toEqual([
      'model.store_sales.stg_fact_order_items',
      'model.store_sales.stg_fact_orders',
      'model.store_sales.stg_quarantine_records',
    ]);
  });

  it('a `dbt test` after the build reads none either: the views read the same in a new session', async () => {
    // DuckDB spells the staging views' types `AS "DATE"` in the session that created them and
    // `AS DATE` in the next: the scope hashes their SQL without double quotes
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'dbt-scope-test-'));
    try {
      await dbtOn(DBT_PROJECT_DIR, ['test'], scratch);
      expectEveryScopedTestReads(await monthsRead(scratch), []);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    await transform();
    expectEveryScopedTestReads(await monthsRead(target()), []);
  });

  it('`dbt compile` renders every scoped test unfiltered: only build and test hash the files', async () => {
    // after a build every month passed, so a filter would leave them all out
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'dbt-scope-compile-'));
    try {
      await dbtOn(DBT_PROJECT_DIR, ['compile', '--select', 'staging', RECONCILE], scratch);
      const sql = await Promise.all(
        (await scopedTestFiles(scratch, 'compiled')).map((f) => readFile(f, 'utf8')),
      );
      expect(sql.length).toBeGreaterThanOrEqual(30);
      for (const text of sql) expect(text).not.toMatch(/order_month in \(/);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });

  it('a bad row in a rewritten month fails its test, reading that month only, and fails again until fixed', async () => {
    const failure = /\bstg_fact_order_items_category_is_a_key \(fail\)/;
    await withRewrites([() => breakCategory('03')], async () => {
      await expect(transform()).rejects.toMatchObject({
        code: 'DBT_BUILD_FAILED',
        message: expect.stringMatching(failure),
      });
      expectEveryScopedTestReads(await monthsRead(target()), ['2025-03']);
      // a failed test records nothing: the next build reads March again and fails again
      await expect(transform()).rejects.toMatchObject({ message: expect.stringMatching(failure) });
      expect((await monthsRead(target())).stg_fact_order_items_category_is_a_key).toEqual(['2025-03']);
    });

    // the file as it was: the tests that passed on the broken bytes recorded them, so they read
    // March again; the failed test last passed on these very bytes, so it reads nothing
    await transform();
    const restored = await monthsRead(target());
    expect(restored.stg_fact_order_items_category_is_a_key).toEqual([]);
    expectEveryScopedTestReads({ ...restored, stg_fact_order_items_category_is_a_key: ['2025-03'] }, [
      '2025-03',
    ]);
    await transform();
    expectEveryScopedTestReads(await monthsRead(target()), []);
  });

  it('a build with --empty, which reads no row, records no month: the next build reads the bad one', async () => {
    await withRewrites([() => breakCategory('05')], async () => {
      const scratch = await mkdtemp(path.join(os.tmpdir(), 'dbt-scope-empty-'));
      try {
        await dbtOn(DBT_PROJECT_DIR, ['build', '--empty'], scratch);
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
      await expect(transform()).rejects.toMatchObject({
        message: expect.stringMatching(/\bstg_fact_order_items_category_is_a_key \(fail\)/),
      });
      expectEveryScopedTestReads(await monthsRead(target()), ['2025-05']);
    });
    await expectSettled(['2025-05']);
  });

  it('a month whose files change during a build is not recorded: the next build reads it, whatever its bytes', async () => {
    // March is broken when the build starts; a hook of a project copy, right after the scope
    // hashed the files, puts good rows back, which the tests read and pass. The broken bytes back
    // afterwards must be read again: a pass recorded against the files hashed at run start would
    // let them through unread
    const file = await monthFile(lake, LAKE.factOrderItems, '03');
    await withRewrites([() => breakCategory('03')], async () => {
      const project = await copyDbtProject('dbt-scope-project-');
      try {
        await copyFile(file, `${file}.bad`);
        await edit(path.join(project, 'dbt_project.yml'), (yml) =>
          yml.replace(
            '  - "{{ fact_test_scope_start() }}"\n',
            `  - "{{ fact_test_scope_start() }}"\n  - "copy (select * from read_parquet('${file}.orig')) to '${file}' (format parquet)"\n`,
          ),
        );
        await dbtOn(project, ['build', '--select', 'staging', RECONCILE], path.join(project, 't'));
        expectEveryScopedTestReads(await monthsRead(path.join(project, 't')), ['2025-03']);

        await copyFile(`${file}.bad`, file);
        await expect(transform()).rejects.toMatchObject({
          message: expect.stringMatching(/\bstg_fact_order_items_category_is_a_key \(fail\)/),
        });
        expectEveryScopedTestReads(await monthsRead(target()), ['2025-03']);
      } finally {
        await rm(`${file}.bad`, { force: true });
        await rm(project, { recursive: true, force: true });
      }
    });
    await expectSettled(['2025-03'], { verify: true });
  });

  it('`dbt retry` of a failed build hashes the files again: it reads the months changed since the failure', async () => {
    // what the scope relies on: dbt's retry of a build runs both hooks again. A build fails on a
    // broken May; May is mended and June broken before the retry, which re-runs the failed test.
    // Scoped by the failed build's signatures it would read May alone and pass
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'dbt-scope-retry-'));
    const failure = /Failure in test stg_fact_order_items_category_is_a_key/;
    try {
      await withRewrites([() => breakCategory('05')], async () => {
        const build = dbtOn(DBT_PROJECT_DIR, ['build', '--select', 'staging', RECONCILE], scratch);
        expect(await dbtFailures(build)).toMatch(failure);
      });
      await withRewrites([() => breakCategory('06')], async () => {
        expect(await dbtFailures(dbtOn(DBT_PROJECT_DIR, ['retry'], scratch))).toMatch(failure);
        expect((await monthsRead(scratch)).stg_fact_order_items_category_is_a_key).toEqual(['2025-06']);
      });
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    await expectSettled(['2025-05', '2025-06'], { verify: true });
  });

  it('a pass is kept for the view it read: a staging view deployed after `dbt test` re-tests every month', async () => {
    // `dbt test` with an edited staging model reads every month (a new definition) through the
    // view still deployed, and passes; `dbt run` then deploys the edit, negative revenue, which
    // the next `dbt test` must read and fail on
    const project = await copyDbtProject('dbt-scope-project-');
    try {
      await edit(path.join(project, 'models', 'staging', 'stg_fact_orders.sql'), (sql) =>
        sql.replace(/^(\s*)order_total_usd,$/m, '$1-order_total_usd as order_total_usd,'),
      );
      const select = ['--select', 'stg_fact_orders'];
      await dbtOn(project, ['test', ...select], path.join(project, 't'));
      await dbtOn(project, ['run', ...select], path.join(project, 't'));
      const failed = await dbtFailures(dbtOn(project, ['test', ...select], path.join(project, 't')));
      expect(failed).toMatch(/Failure in test stg_fact_orders_money_not_negative/);
      const read = await monthsRead(path.join(project, 't'));
      expect(read.stg_fact_orders_money_not_negative).toBe('all');
    } finally {
      await rm(project, { recursive: true, force: true });
    }
    // the project's own view back: its tests read every month once on it, then none
    await expectSettled('all');
  });

  it('a row is read with its file, whatever its date: one dated in another month, or with none, fails', async () => {
    // an order of March dated in February sits in March's folder; a line of May has no date
    const moved = () => rewriteRows(LAKE.factOrders, '03', { order_date: "DATE '2025-02-10'" });
    const undated = () => rewriteRows(LAKE.factOrderItems, '05', { order_date: 'NULL::DATE' });
    await withRewrites([moved, undated], async () => {
      const failed = await transformFailures();
      expect(failed).toMatch(/\bstg_fact_orders_in_its_partition \(fail\)/);
      expect(failed).toMatch(/\bstg_fact_order_items_in_its_partition \(fail\)/);
      expect(failed).toMatch(/\bnot_null_stg_fact_order_items_order_date\.?\w* \(fail\)/);
      // a month's signature covers both tables' files: every scoped test reads March and May
      expectEveryScopedTestReads(await monthsRead(target()), ['2025-03', '2025-05']);
    });
    await expectSettled(['2025-03', '2025-05']);
  });

  it('a key of a rewritten month that repeats a month already passed fails the key tests, which read the new month only', async () => {
    // May's first order, and its first line, take the id of March's first order (that line's
    // line_number is 1, as is the first line of March's first order). March is not read again
    // (its files did not change), so only a lookup of May's keys among every row finds them
    const id = `'${await firstOrderId('03')}'`;
    const order = () => rewriteRows(LAKE.factOrders, '05', { order_id: id });
    const line = () => rewriteRows(LAKE.factOrderItems, '05', { order_id: id });
    await withRewrites([order, line], async () => {
      const failed = await transformFailures();
      for (const test of KEY_TESTS) expect(failed).toMatch(new RegExp(`\\b${test} \\(fail\\)`));
      expectEveryScopedTestReads(await monthsRead(target()), ['2025-05']);
    });
    await expectSettled(['2025-05']);
  });

  it("a line pointing at another month's order fails, so a line's order cannot go while the line's month is left out", async () => {
    // March's first line moves to a February order that has a single line (as its line 2: no key
    // repeats). That order exists, so a check on order_id alone passes, and removing the order
    // from February later would re-test February's lines only: the March line would stay
    // untested. The lines' order test also matches the date, so the move itself fails
    const febOrder = `'${await firstOrderId('02', 'item_count = 1')}'`;
    const line = () => rewriteRows(LAKE.factOrderItems, '03', { order_id: febOrder, line_number: '2' });
    await withRewrites([line], async () => {
      const failed = await transformFailures();
      // the only failure: the keys stay unique and March's lines still add up to its orders
      expect(failed).toMatch(/^dbt build failed: stg_fact_order_items_order_exists_on_its_date \(fail\)$/);
      expect(await failuresOf(ORDER_TEST)).toBe(1);
      expectEveryScopedTestReads(await monthsRead(target()), ['2025-03']);
    });

    // The mirror case: February's first line points at a March order (one with a single line)
    // that sits in March's folder but is dated in February, as are the line and the order's own
    // line. Ids and dates all match, yet removing that order from March later would leave the
    // February line untested; an order counts only in its own month's folder, so the lines
    // fail (besides the partition tests of the order and of its own line)
    const date = "DATE '2025-02-10'";
    const id = `'${await firstOrderId('03', 'item_count = 1')}'`;
    const order = () => rewriteRows(LAKE.factOrders, '03', { order_date: date }, `order_id = ${id}`);
    const orderLine = () => rewriteRows(LAKE.factOrderItems, '03', { order_date: date }, `order_id = ${id}`);
    const febLine = () =>
      rewriteRows(LAKE.factOrderItems, '02', { order_id: id, line_number: '99', order_date: date });
    await withRewrites([order, orderLine, febLine], async () => {
      const failed = await transformFailures();
      expect(failed).toMatch(/\bstg_fact_order_items_order_exists_on_its_date \(fail\)/);
      expect(failed).toMatch(/\bstg_fact_orders_in_its_partition \(fail\)/);
      expect(failed).toMatch(/\bstg_fact_order_items_in_its_partition \(fail\)/);
      for (const test of KEY_TESTS) expect(failed).not.toMatch(new RegExp(`\\b${test} \\(fail\\)`));
      // both lines, the order's own (in March's folder) and February's: an order outside its
      // month's folder counts for neither (without the folder condition neither fails)
      expect(await failuresOf(ORDER_TEST)).toBe(2);
      expectEveryScopedTestReads(await monthsRead(target()), ['2025-02', '2025-03']);
    });
    await expectSettled(['2025-02', '2025-03']);
  });

  it('a test reading a view without the partition columns filters none of the views it reads', async () => {
    // the lines' view as deployed before it had the partition columns (a partial `dbt build`
    // after an upgrade): the lines' reconciliation must not filter the orders alone, which
    // leaves out lines' orders and fails on every later run
    const onWarehouse = async (sql: string) => {
      const db = await openDuckDbEngine(path.join(lake, 'warehouse.duckdb'));
      try {
        await db.exec(sql);
      } finally {
        await db.close();
      }
    };
    await onWarehouse(`ALTER VIEW stg_fact_order_items RENAME TO stg_items_full;
      CREATE VIEW stg_fact_order_items AS SELECT * EXCLUDE (order_year, order_month) FROM stg_items_full`);
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'dbt-scope-stale-'));
    try {
      for (let run = 0; run < 2; run++) {
        await dbtOn(DBT_PROJECT_DIR, ['test', '--select', RECONCILE], scratch);
        const sql = await readFile(
          path.join(scratch, 'run', 'store_sales', 'tests', `${RECONCILE}.sql`),
          'utf8',
        );
        expect(sql).not.toMatch(/dbt_subquery/);
      }
    } finally {
      await onWarehouse(
        'DROP VIEW stg_fact_order_items; ALTER VIEW stg_items_full RENAME TO stg_fact_order_items',
      );
      await rm(scratch, { recursive: true, force: true });
    }
    // the view back: the reconciliation's last pass was on the view without the partition
    // columns, so it reads every month once; no other test read that view
    await transform();
    const read = await monthsRead(target());
    expect(read[RECONCILE]).toBe('all');
    expectEveryScopedTestReads({ ...read, [RECONCILE]: [] }, []);
  });

  it('--full-refresh reads every month', async () => {
    await transform(true);
    expectEveryScopedTestReads(await monthsRead(target()), 'all');
    await transform();
    expectEveryScopedTestReads(await monthsRead(target()), []);
  });

  it("a test's changed definition reads every month again; a new macro re-reads them for every test; a test with a threshold is not scoped", async () => {
    // a copy of the project with one test's accepted values changed, run by dbt directly
    const project = await copyDbtProject('dbt-scope-project-');
    try {
      // the selection the other cases build (the staging models, their tests, the reconciliation)
      // one target folder for the four builds: dbt parses the project again only where it changed
      const built = path.join(project, 't');
      const dbt = () => dbtOn(project, ['build', '--select', 'staging', RECONCILE], built);
      const yml = path.join(project, 'models', 'staging', '_staging.yml');
      await edit(yml, (staging) =>
        staging.replace('values: [online, mobile_app, store]', 'values: [online, mobile_app, store, kiosk]'),
      );

      await dbt();
      const read = await monthsRead(built);
      // dbt shortens the long name of the changed test: find it by its new value
      const compiled = path.join(built, 'compiled', 'store_sales', 'models', 'staging', '_staging.yml');
      const names = [];
      for (const f of await readdir(compiled))
        if ((await readFile(path.join(compiled, f), 'utf8')).includes("'kiosk'"))
          names.push(path.basename(f, '.sql'));
      expect(names).toHaveLength(1);
      const channel = names[0] as string;
      expect(read[channel]).toBe('all');
      const others = Object.fromEntries(Object.entries(read).filter(([n]) => n !== channel));
      expectEveryScopedTestReads({ ...others, [channel]: [] }, []);

      await writeFile(
        path.join(project, 'macros', 'another_macro.sql'),
        '{% macro another_macro() %}1{% endmacro %}\n',
      );
      await dbt();
      expectEveryScopedTestReads(await monthsRead(built), 'all');

      // a threshold adds the months' failures up: such a test reads every month, every time
      await edit(yml, (staging) =>
        staging.replace(
          'name: stg_fact_order_items_category_is_a_key\n',
          'name: stg_fact_order_items_category_is_a_key\n          config:\n            error_if: ">50"\n',
        ),
      );
      await dbt();
      await dbt();
      const read4 = await monthsRead(built);
      expect(read4.stg_fact_order_items_category_is_a_key).toBe('all');
      expect(read4.stg_fact_order_items_key_unique).toEqual([]);
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  });
});
