import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_EXPORTS } from '../../contracts/csv-exports.js';
import { openDuckDbEngine } from '../../tools/duckdb/duckdb-engine.js';
import { runDbt } from '../../tools/engines/dbt-runner.js';
import type { SqlRow } from '../../tools/engines/query-engine.js';
import { runLocalEtl } from '../../tools/etl/run-local-etl.js';
import { buildLake, copyDbtProject, dbtOn, transformLake } from './dbt-lake.js';

// The incremental models and every table dbt builds (the other intermediates and every mart): each
// must equal a full refresh row for row. Read from the warehouse, so a new mart is compared too.
const MODEL_TABLES = `SELECT table_name FROM information_schema.tables
  WHERE table_schema = 'main' AND table_type = 'BASE TABLE' AND regexp_matches(table_name, '^(int|mart)_')
  ORDER BY table_name`;

interface RawOrder {
  order_id: string;
  order_timestamp: string;
  status: string;
  currency: string;
  customer: { customer_id: string; country: string; signup_date: string };
  items: { category: string }[];
  payments: { status: string }[];
}

/** The models kept whole while the facts are unchanged (macros/facts_unchanged.sql). */
const KEPT = [
  'int_customer_cohorts',
  'int_filter_codes',
  'int_month_fingerprints',
  'int_observed_months',
] as const;

const rawFile = (lake: string, month: string) =>
  path.join(lake, 'raw', 'store_sales', `orders_${month}.json`);

async function readOrders(lake: string, month: string): Promise<RawOrder[]> {
  const text = await readFile(rawFile(lake, month), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as RawOrder);
}

async function writeOrders(lake: string, month: string, orders: RawOrder[]): Promise<void> {
  await writeFile(rawFile(lake, month), `${orders.map((o) => JSON.stringify(o)).join('\n')}\n`);
}

/** Runs `statements` on the warehouse, in order, then closes it. */
async function execute(warehouse: string, ...statements: string[]): Promise<void> {
  const db = await openDuckDbEngine(warehouse);
  try {
    for (const sql of statements) await db.exec(sql);
  } finally {
    await db.close();
  }
}

async function query(warehouse: string, sql: string): Promise<SqlRow[]> {
  const db = await openDuckDbEngine(warehouse, { readOnly: true });
  try {
    return await db.query(sql);
  } finally {
    await db.close();
  }
}

describe('models incremental by month == full refresh (12 x 300 orders)', () => {
  let lake: string;
  let warehouse: string;
  let runSql: string;
  let groupsRunSql: string;

  /** `ops transform` on the lake: the incremental run under test (`--full-refresh` if asked). */
  async function transformIncrementally(fullRefresh = false): Promise<void> {
    await transformLake(lake, fullRefresh);
    const runSqlOf = (model: string) =>
      readFile(
        path.join(lake, '.dbt', 'target', 'run', 'store_sales', 'models', 'intermediate', `${model}.sql`),
        'utf8',
      );
    runSql = await runSqlOf('int_customer_months');
    groupsRunSql = await runSqlOf('int_customer_filter_groups');
  }

  /** An intermediate model's SQL as the last transform compiled it. */
  const compiledSql = (model: string) =>
    readFile(
      path.join(lake, '.dbt', 'target', 'compiled', 'store_sales', 'models', 'intermediate', `${model}.sql`),
      'utf8',
    );

  /** A dbt command on the lake's warehouse (dbt's target under `<lake>/.dbt`). */
  async function dbtOnLake(args: string[]): Promise<void> {
    const summary = await runDbt({
      args,
      target: 'local',
      warehouse,
      targetPath: path.join(lake, '.dbt', 'target'),
      logPath: path.join(lake, '.dbt', 'logs'),
      onLine: () => {},
    });
    expect(summary.failures).toEqual([]);
  }

  /**
   * Copies the warehouse and runs `dbt run --full-refresh` on the copy; returns, per compared
   * relation, the rows only in the incremental warehouse plus the rows only in the full refresh.
   */
  async function differencesFromFullRefresh(): Promise<Record<string, number>> {
    const full = path.join(lake, 'full-refresh.duckdb');
    await rm(full, { force: true });
    await copyFile(warehouse, full);
    const summary = await runDbt({
      args: ['run', '--full-refresh'],
      target: 'local',
      warehouse: full,
      targetPath: path.join(lake, '.dbt-full', 'target'),
      logPath: path.join(lake, '.dbt-full', 'logs'),
      onLine: () => {},
    });
    expect(summary.failures).toEqual([]);
    const db = await openDuckDbEngine(warehouse, { readOnly: true });
    try {
      await db.exec(`ATTACH '${full}' AS full_refresh (READ_ONLY)`);
      const out: Record<string, number> = {};
      for (const t of compared) {
        const [row] = await db.query(
          `SELECT (SELECT COUNT(*) FROM (FROM main.${t} EXCEPT ALL FROM full_refresh.${t}))
                + (SELECT COUNT(*) FROM (FROM full_refresh.${t} EXCEPT ALL FROM main.${t})) AS n`,
        );
        out[t] = Number(row?.n);
      }
      return out;
    } finally {
      await db.close();
    }
  }

  let compared: string[];
  let none: Record<string, number>;

  beforeAll(async () => {
    lake = await buildLake(300, 'dbt-incremental-');
    warehouse = path.join(lake, 'warehouse.duckdb');
    await transformIncrementally();
    compared = (await query(warehouse, MODEL_TABLES)).map((r) => String(r.table_name));
    none = Object.fromEntries(compared.map((t) => [t, 0]));
  });
  afterAll(async () => {
    await rm(lake, { recursive: true, force: true });
  });

  it('builds the table in full the first time, with a fingerprint on every row', async () => {
    expect(compared).toEqual(
      expect.arrayContaining(['int_customer_months', ...CSV_EXPORTS.map((o) => o.mart)]),
    );
    expect(runSql).toMatch(/create\s+table/i);
    expect(groupsRunSql).toMatch(/create\s+table/i);
    const [row] = await query(
      warehouse,
      'SELECT COUNT(*) AS n, COUNT(source_fingerprint) AS fp, COUNT(DISTINCT activity_month) AS months FROM int_customer_months',
    );
    expect(Number(row?.n)).toBeGreaterThan(0);
    expect(Number(row?.fp)).toBe(Number(row?.n));
    expect(Number(row?.months)).toBe(12);
  });

  it('rebuilds nothing when no fact changed', async () => {
    const before = await query(warehouse, 'FROM int_customer_months ORDER BY ALL');
    // Marks on stored January rows of each cohort-dependent model, their checksums untouched and
    // invisible to the data tests (a customer moved between two groups, a cent on one AOV): a
    // rebuilt month would lose them. Equal rows alone would not tell a rebuild from a kept month.
    const groupsSql = 'FROM int_customer_filter_groups ORDER BY ALL';
    const geoSql = 'FROM int_geo_engagement_monthly ORDER BY ALL';
    const unmarked = { groups: await query(warehouse, groupsSql), geo: await query(warehouse, geoSql) };
    const pair = await query(
      warehouse,
      `SELECT slot_1, slot_2, slot_3, next_slot_1, next_slot_2, next_slot_3 FROM int_customer_filter_groups
       WHERE month = DATE '2025-01-01' AND customer_id IS NULL AND NOT is_new AND customers >= 2
       ORDER BY customers DESC, slot_1, slot_2, slot_3, next_slot_1, next_slot_2, next_slot_3 LIMIT 2`,
    );
    if (pair.length < 2) throw new Error('January has fewer than two groups of returning customers');
    const group = (row: SqlRow) =>
      `month = DATE '2025-01-01' AND customer_id IS NULL AND NOT is_new AND ${Object.entries(row)
        .map(([column, value]) => `${column} IS NOT DISTINCT FROM ${value === null ? 'NULL' : Number(value)}`)
        .join(' AND ')}`;
    const mark = async (delta: number) => {
      const db = await openDuckDbEngine(warehouse);
      try {
        await db.exec(
          `UPDATE int_customer_filter_groups SET customers = customers + ${delta} WHERE ${group(pair[0] as SqlRow)}`,
        );
        await db.exec(
          `UPDATE int_customer_filter_groups SET customers = customers - ${delta} WHERE ${group(pair[1] as SqlRow)}`,
        );
        await db.exec(`UPDATE int_geo_engagement_monthly SET aov_usd = aov_usd + ${delta / 100}
          WHERE month = DATE '2025-01-01' AND country = (SELECT MIN(country) FROM int_geo_engagement_monthly WHERE month = DATE '2025-01-01')`);
      } finally {
        await db.close();
      }
    };
    await mark(1);
    const marked = { groups: await query(warehouse, groupsSql), geo: await query(warehouse, geoSql) };
    expect(marked).not.toEqual(unmarked);
    // The models kept whole while the facts are unchanged (macros/facts_unchanged.sql), marked
    // too: a customer's signup a day later (nothing reads it after the cohort), December's lines
    // checksum one higher (int_category_sales_monthly then rebuilds December, the same rows).
    const keptSql = `SELECT
        (SELECT signup_date FROM int_customer_cohorts WHERE customer_id = (SELECT MIN(customer_id) FROM int_customer_cohorts WHERE signup_date IS NOT NULL)) AS signup,
        (SELECT category_lines_fingerprint FROM int_month_fingerprints WHERE month = DATE '2025-12-01') AS december`;
    const [kept] = await query(warehouse, keptSql);
    const markKept = (days: number) =>
      execute(
        warehouse,
        `UPDATE int_customer_cohorts SET signup_date = signup_date + ${days}
          WHERE customer_id = (SELECT MIN(customer_id) FROM int_customer_cohorts WHERE signup_date IS NOT NULL)`,
        `UPDATE int_month_fingerprints SET category_lines_fingerprint = category_lines_fingerprint + ${days}
          WHERE month = DATE '2025-12-01'`,
      );
    await markKept(1);
    const keptMarked = await query(warehouse, keptSql);
    expect(keptMarked).not.toEqual([kept]);
    await transformIncrementally();

    expect(await query(warehouse, keptSql)).toEqual(keptMarked);
    // every kept model selected no row (the two unmarked ones as well), and does in a `dbt run`,
    // which hashes the files itself
    const expectKept = async () => {
      for (const model of KEPT)
        expect({ model, sql: await compiledSql(model) }).toEqual({
          model,
          sql: expect.stringMatching(/\bwhere false\s*$/),
        });
    };
    await expectKept();
    await dbtOnLake(['run', '--select', ...KEPT]);
    await expectKept();
    expect(await query(warehouse, keptSql)).toEqual(keptMarked);
    await markKept(-1);
    await execute(
      warehouse,
      `UPDATE int_category_sales_monthly SET source_fingerprint = ${kept?.december}
        WHERE month = DATE '2025-12-01'`,
    );

    expect(runSql).toMatch(/insert into/i);
    expect(groupsRunSql).toMatch(/insert into/i);
    expect(await query(warehouse, 'FROM int_customer_months ORDER BY ALL')).toEqual(before);
    expect({ groups: await query(warehouse, groupsSql), geo: await query(warehouse, geoSql) }).toEqual(
      marked,
    );
    await mark(-1);
    expect({ groups: await query(warehouse, groupsSql), geo: await query(warehouse, geoSql) }).toEqual(
      unmarked,
    );
  });

  it('equals a full refresh after a month is re-processed with changed facts', async () => {
    // June: some completed orders cancelled, one moved to a brand-new customer.
    // December: every completed order cancelled, so the month has no active customer any more.
    const june = await readOrders(lake, '2025_06');
    const completed = june.filter((o) => o.status === 'completed');
    for (const o of completed.slice(0, 10)) o.status = 'cancelled';
    const moved = completed[10];
    if (!moved) throw new Error('June has too few completed orders');
    moved.customer.customer_id = 'CUST-NEW-JUNE';
    await writeOrders(lake, '2025_06', june);
    const december = await readOrders(lake, '2025_12');
    for (const o of december) if (o.status === 'completed') o.status = 'cancelled';
    await writeOrders(lake, '2025_12', december);
    const etl = await runLocalEtl({ lake });
    expect(etl.failed).toEqual([]);
    expect(etl.processed.map((r) => r.sourceKey).sort()).toEqual([
      'raw/store_sales/orders_2025_06.json',
      'raw/store_sales/orders_2025_12.json',
    ]);
    expect(etl.processed.map((r) => r.quarantined)).toEqual([0, 0]);

    await transformIncrementally();

    expect(runSql).toMatch(/insert into/i);
    const rows = await query(
      warehouse,
      `SELECT
         (SELECT COUNT(*) FROM int_customer_months WHERE activity_month = DATE '2025-12-01') AS december,
         (SELECT COUNT(*) FROM int_customer_months WHERE customer_id = 'CUST-NEW-JUNE') AS newcomer`,
    );
    expect(rows).toEqual([{ december: '0', newcomer: '1' }]);
    expect(await differencesFromFullRefresh()).toEqual(none);
  });

  it("equals a full refresh after a month's order lines change and its customers do not", async () => {
    // March: a completed order's first line moves to another category. int_customer_months'
    // checksum (the customers) stays, int_category_sales_monthly's (the lines) changes.
    const march = await readOrders(lake, '2025_03');
    const order = march.find((o) => o.status === 'completed');
    const line = order?.items[0];
    const other = march.flatMap((o) => o.items).find((i) => i.category !== line?.category);
    if (!line || !other) throw new Error('March has too few completed orders');
    const before = await query(
      warehouse,
      "SELECT category, revenue_usd, units, orders FROM mart_category_sales_monthly WHERE month = DATE '2025-03-01' ORDER BY ALL",
    );
    line.category = other.category;
    await writeOrders(lake, '2025_03', march);
    const etl = await runLocalEtl({ lake });
    expect(etl.failed).toEqual([]);
    expect(etl.processed.map((r) => r.sourceKey)).toEqual(['raw/store_sales/orders_2025_03.json']);
    expect(etl.processed.map((r) => r.quarantined)).toEqual([0]);

    await transformIncrementally();

    expect(
      await query(
        warehouse,
        "SELECT category, revenue_usd, units, orders FROM mart_category_sales_monthly WHERE month = DATE '2025-03-01' ORDER BY ALL",
      ),
    ).not.toEqual(before);
    expect(await differencesFromFullRefresh()).toEqual(none);
  });

  it('equals a full refresh after late data arrives for an old month, moving cohorts earlier', async () => {
    // A customer first active in a later month buys in February, delivered late in February's file:
    // their cohort, and every later row of theirs, moves to February.
    const [late] = await query(
      warehouse,
      `SELECT customer_id FROM int_customer_months
       WHERE cohort_month >= DATE '2025-05-01' GROUP BY customer_id HAVING COUNT(*) >= 2 ORDER BY customer_id LIMIT 1`,
    );
    const customer = String(late?.customer_id);
    const february = await readOrders(lake, '2025_02');
    const template = february.find((o) => o.status === 'completed');
    if (!template) throw new Error('February has no completed order');
    const extra = structuredClone(template);
    extra.order_id = 'ORD-20250228-late0001';
    extra.customer.customer_id = customer;
    await writeOrders(lake, '2025_02', [...february, extra]);
    const etl = await runLocalEtl({ lake });
    expect(etl.failed).toEqual([]);
    expect(etl.processed.map((r) => r.sourceKey)).toEqual(['raw/store_sales/orders_2025_02.json']);
    expect(etl.processed.map((r) => r.quarantined)).toEqual([0]);

    await transformIncrementally();

    const cohorts = await query(
      warehouse,
      `SELECT DISTINCT strftime(cohort_month, '%Y-%m') AS cohort FROM int_customer_months WHERE customer_id = '${customer}'`,
    );
    expect(cohorts).toEqual([{ cohort: '2025-02' }]);
    expect(await differencesFromFullRefresh()).toEqual(none);
  });

  it("equals a full refresh after a later month's order moves a customer's signup before the window", async () => {
    // A customer with a cohort (signed up inside the window) buys again in August; that August
    // order, re-processed, carries a signup date before the window. The customer has no cohort any
    // more, so their first month's filter groups change though only August's facts did.
    const [row] = await query(
      warehouse,
      `SELECT c.customer_id, strftime(c.cohort_month, '%Y-%m') AS cohort
       FROM int_customer_cohorts AS c
       JOIN int_customer_months AS m ON m.customer_id = c.customer_id AND m.activity_month = DATE '2025-08-01'
       WHERE c.cohort_month < DATE '2025-07-01' ORDER BY c.customer_id LIMIT 1`,
    );
    const customer = String(row?.customer_id);
    const august = await readOrders(lake, '2025_08');
    const order = august.find((o) => o.customer.customer_id === customer && o.status === 'completed');
    if (!row || !order) throw new Error('no customer with a cohort before July is active in August');
    const groupsBefore = await query(
      warehouse,
      `FROM int_customer_filter_groups WHERE strftime(month, '%Y-%m') = '${String(row.cohort)}' ORDER BY ALL`,
    );
    order.customer.signup_date = '2020-01-15';
    await writeOrders(lake, '2025_08', august);
    const etl = await runLocalEtl({ lake });
    expect(etl.failed).toEqual([]);
    expect(etl.processed.map((r) => r.sourceKey)).toEqual(['raw/store_sales/orders_2025_08.json']);

    await transformIncrementally();

    expect(
      await query(
        warehouse,
        `SELECT cohort_month FROM int_customer_cohorts WHERE customer_id = '${customer}'`,
      ),
    ).toEqual([{ cohort_month: null }]);
    expect(
      await query(
        warehouse,
        `FROM int_customer_filter_groups WHERE strftime(month, '%Y-%m') = '${String(row.cohort)}' ORDER BY ALL`,
      ),
    ).not.toEqual(groupsBefore);
    expect(await differencesFromFullRefresh()).toEqual(none);
  });

  it("equals a full refresh after a month's revenue changes and nothing else", async () => {
    // October: a completed order paid in another currency is now in USD: the same amounts, another
    // USD value. Customers, cells and cohorts stay; the geography mart's revenue moves.
    const revenue =
      "SELECT country, revenue_usd FROM mart_geo_engagement WHERE month = DATE '2025-10-01' ORDER BY ALL";
    const before = await query(warehouse, revenue);
    const october = await readOrders(lake, '2025_10');
    const order = october.find((o) => o.status === 'completed' && o.currency !== 'USD');
    if (!order) throw new Error('October has no completed order in another currency than USD');
    order.currency = 'USD';
    await writeOrders(lake, '2025_10', october);
    const etl = await runLocalEtl({ lake });
    expect(etl.failed).toEqual([]);
    expect(etl.processed.map((r) => r.quarantined)).toEqual([0]);

    // `dbt run` rather than build: it hashes the fact files too, so the kept models see them change
    await dbtOnLake(['run']);

    expect(await query(warehouse, revenue)).not.toEqual(before);
    expect(await differencesFromFullRefresh()).toEqual(none);
  });

  it('equals a full refresh after a new filter value renumbers the filter codes', async () => {
    // September: one completed order's customer country becomes Andorra, a value no month had.
    // It sorts first, so every country's code and every month's filter cells change.
    const september = await readOrders(lake, '2025_09');
    const order = september.find((o) => o.status === 'completed');
    if (!order) throw new Error('September has no completed order');
    order.customer.country = 'AD';
    await writeOrders(lake, '2025_09', september);
    const etl = await runLocalEtl({ lake });
    expect(etl.failed).toEqual([]);
    expect(etl.processed.map((r) => r.quarantined)).toEqual([0]);

    await transformIncrementally();

    expect(
      await query(
        warehouse,
        "SELECT code FROM int_filter_codes WHERE dimension = 'customer_country' AND value = 'AD'",
      ),
    ).toEqual([{ code: '1' }]);
    expect(await differencesFromFullRefresh()).toEqual(none);
  });

  it('rebuilds a kept model after a build with --empty, when a view it reads is deployed anew, when its code changes', async () => {
    const cohortsSql = 'FROM int_customer_cohorts ORDER BY ALL';
    const keptRows = async (): Promise<Record<(typeof KEPT)[number], SqlRow[]>> =>
      Object.fromEntries(
        await Promise.all(
          KEPT.map(async (model) => [model, await query(warehouse, `FROM ${model} ORDER BY ALL`)]),
        ),
      );
    const before = await keptRows();
    // inputs changed as far as the keys tell (none recorded): --empty empties every kept table
    await execute(warehouse, 'DELETE FROM model_input_keys');
    await dbtOnLake(['run', '--empty', '--select', ...KEPT]);
    expect(
      await query(
        warehouse,
        `SELECT ${KEPT.map((model) => `(SELECT COUNT(*) FROM ${model})`).join(' + ')} AS n`,
      ),
    ).toEqual([{ n: '0' }]);
    // --empty recorded no key: the next run fills them again
    await dbtOnLake(['run', '--select', ...KEPT]);
    expect(await keptRows()).toEqual(before);

    // The staging view deployed anew without one customer's orders, and the cohorts run alone:
    // the same files, another view, so they are rebuilt from it.
    const [first] = await query(warehouse, 'SELECT MIN(customer_id) AS id FROM int_customer_cohorts');
    const [view] = await query(
      warehouse,
      "SELECT sql FROM duckdb_views() WHERE view_name = 'stg_fact_orders'",
    );
    const sql = String(view?.sql).replace(/;\s*$/, '');
    await execute(
      warehouse,
      `CREATE OR REPLACE VIEW stg_fact_orders AS SELECT * FROM (${sql.replace(/^CREATE VIEW [^ ]+ AS /i, '')}) WHERE customer_id <> '${first?.id}'`,
    );
    await dbtOnLake(['run', '--select', 'int_customer_cohorts']);
    const without = await query(warehouse, cohortsSql);
    expect(without).toEqual(before.int_customer_cohorts.filter((r) => r.customer_id !== first?.id));
    await dbtOnLake(['run', '--select', 'stg_fact_orders', 'int_customer_cohorts']);
    expect(await query(warehouse, cohortsSql)).toEqual(before.int_customer_cohorts);

    // The model's code edited (a copy of the project, configured `full_refresh: true`): the same
    // files and views, another definition, so a marked row is rebuilt away; and run again with
    // the key now recorded, rebuilt whole once more, not from the query that keeps the rows.
    await execute(
      warehouse,
      `UPDATE int_customer_cohorts SET signup_date = signup_date + 1
        WHERE customer_id = (SELECT MIN(customer_id) FROM int_customer_cohorts WHERE signup_date IS NOT NULL)`,
    );
    expect(await query(warehouse, cohortsSql)).not.toEqual(before.int_customer_cohorts);
    const project = await copyDbtProject('dbt-incremental-project-');
    try {
      const model = path.join(project, 'models', 'intermediate', 'int_customer_cohorts.sql');
      await writeFile(model, `{{ config(full_refresh=true) }}\n${await readFile(model, 'utf8')}`);
      const runEdited = () =>
        dbtOn(project, ['run', '--select', 'int_customer_cohorts'], path.join(project, 'target'), warehouse);
      await runEdited();
      expect(await query(warehouse, cohortsSql)).toEqual(before.int_customer_cohorts);
      await runEdited();
    } finally {
      await rm(project, { recursive: true, force: true });
    }
    expect(await query(warehouse, cohortsSql)).toEqual(before.int_customer_cohorts);
  });

  it('drops a table from before its model was incremental and builds the model whole', async () => {
    // int_customer_filter_groups as a plain table built it: month first, no source_fingerprint.
    // On Athena such a table is not partitioned, and insert_overwrite would append beside it.
    const groups = await query(warehouse, 'FROM int_customer_filter_groups ORDER BY ALL');
    const db = await openDuckDbEngine(warehouse);
    try {
      await db.exec(
        'CREATE OR REPLACE TABLE int_customer_filter_groups AS SELECT month, * EXCLUDE (month, source_fingerprint) FROM int_customer_filter_groups',
      );
    } finally {
      await db.close();
    }

    await transformIncrementally();

    expect(groupsRunSql).toMatch(/create\s+table/i);
    expect(runSql).toMatch(/insert into/i);
    const columns = await query(
      warehouse,
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'int_customer_filter_groups' ORDER BY ordinal_position",
    );
    expect(columns.map((c) => c.column_name).slice(-2)).toEqual(['source_fingerprint', 'month']);
    expect(await query(warehouse, 'FROM int_customer_filter_groups ORDER BY ALL')).toEqual(groups);
  });

  it('rebuilds every incremental model whole with --full-refresh', async () => {
    const groupsBefore = await query(warehouse, 'FROM int_customer_filter_groups ORDER BY ALL');
    await transformIncrementally(true);

    expect(runSql).toMatch(/create\s+table/i);
    expect(groupsRunSql).toMatch(/create\s+table/i);
    expect(await query(warehouse, 'FROM int_customer_filter_groups ORDER BY ALL')).toEqual(groupsBefore);
  });
});
