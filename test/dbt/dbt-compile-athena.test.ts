import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DBT_PROJECT_DIR, type DbtRunSummary, runDbt } from '../../tools/engines/dbt-runner.js';
import { venvBin } from '../../tools/scripts/ensure-python.js';

// Placeholder values: compiling needs no AWS connection (no credentials, no network here).
const PLACEHOLDER_ENV = {
  ATHENA_REGION: 'eu-west-1',
  ATHENA_S3_STAGING_DIR: 's3://placeholder-athena-results/query-results/',
  ATHENA_S3_DATA_DIR: 's3://placeholder-processed/dbt/',
  ATHENA_SCHEMA: 'store_sales_dbt_placeholder',
  ATHENA_WORKGROUP: 'placeholder-workgroup',
  STORE_SALES_GLUE_DATABASE: 'store_sales_glue_placeholder',
};

// Parses each compiled model as Athena SQL; lists parse errors and functions Athena does not know.
// KNOWN: Trino functions of Athena engine v3 that sqlglot parses as unknown (Anonymous) ones; the
// month fingerprints of the incremental models hash their input rows with them (macros/month_incremental.sql).
const ATHENA_PARSER = `
import json, sys, sqlglot
from sqlglot import exp
KNOWN = {"xxhash64", "from_big_endian_64"}
out = {}
for name, text in json.load(sys.stdin).items():
    try:
        tree = sqlglot.parse_one(text, read="athena")
        out[name] = sorted({f.name for f in tree.find_all(exp.Anonymous)} - KNOWN)
    except sqlglot.errors.ParseError as e:
        out[name] = ["parse error: " + str(e).splitlines()[0]]
print(json.dumps(out))
`;

const MARTS = [
  'mart_monthly_revenue',
  'mart_revenue_mom',
  'mart_category_sales_monthly',
  'mart_monthly_active_customers',
  'mart_cohort_retention',
  'mart_monthly_churn',
  'mart_geo_engagement',
  'mart_data_quality',
  'mart_monthly_sales_by_filter',
];

// The models built incrementally by month, and their incremental runs' SQL.
const INCREMENTAL = {
  int_customer_months: 'intermediate',
  int_category_sales_monthly: 'intermediate',
  int_customer_filter_groups: 'intermediate',
  int_geo_engagement_monthly: 'intermediate',
} as const;
// The checksum model each compares its stored checksums with: the cohort-dependent ones have their own.
const CHECKSUMS: Record<keyof typeof INCREMENTAL, string> = {
  int_customer_months: 'int_month_fingerprints',
  int_category_sales_monthly: 'int_month_fingerprints',
  int_customer_filter_groups: 'int_cohort_month_fingerprints',
  int_geo_engagement_monthly: 'int_cohort_month_fingerprints',
};
type IncrementalModel = keyof typeof INCREMENTAL;
// Kept whole while the facts are unchanged (macros/facts_unchanged.sql): incremental on DuckDB only.
const KEPT_WHILE_FACTS_UNCHANGED = [
  'int_customer_cohorts',
  'int_filter_codes',
  'int_month_fingerprints',
  'int_observed_months',
];

// The incremental runs of the models built by month, compiled for Athena and Trino without a connection.
async function compileIncremental(
  target: 'athena' | 'trino',
  dir: string,
): Promise<Record<IncrementalModel, string>> {
  const models = Object.keys(INCREMENTAL) as IncrementalModel[];
  const summary = await runDbt({
    args: ['compile', '--no-populate-cache', '--select', ...models, '--vars', '{month_incremental: true}'],
    target,
    targetPath: path.join(dir, target, 'target'),
    logPath: path.join(dir, target, 'logs'),
    env: PLACEHOLDER_ENV,
    onLine: () => {},
  });
  expect(summary.failures).toEqual([]);
  const compiled = path.join(dir, target, 'target', 'compiled', 'store_sales', 'models');
  const sql = await Promise.all(
    models.map((m) => readFile(path.join(compiled, INCREMENTAL[m], `${m}.sql`), 'utf8')),
  );
  return Object.fromEntries(models.map((m, i) => [m, sql[i]])) as Record<IncrementalModel, string>;
}

describe('dbt compile --target athena', () => {
  let dir: string;
  let summary: DbtRunSummary;
  let compiled: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dbt-athena-'));
    summary = await runDbt({
      // without a connection dbt must not list the schemas it would cache, nor ask whether the
      // incremental model's table exists: the var says which SQL to render (the full build here)
      args: ['compile', '--no-populate-cache', '--vars', '{month_incremental: false}'],
      target: 'athena',
      targetPath: path.join(dir, 'target'),
      logPath: path.join(dir, 'logs'),
      env: PLACEHOLDER_ENV,
      onLine: () => {},
    });
    compiled = path.join(dir, 'target', 'compiled', 'store_sales', 'models');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // (unit tests are not compiled by `dbt compile`: they need the input relations' column types)
  it('compiles every model and data test with placeholder environment values', () => {
    expect(summary.failures).toEqual([]);
    expect(summary.ok).toBe(true);
    expect(summary.models).toEqual({ passed: 3 + 9 + MARTS.length, failed: 0, skipped: 0 });
    expect(summary.tests).toEqual({ passed: 101, failed: 0, skipped: 0 });
  });

  it('reads the Glue tables named by STORE_SALES_GLUE_DATABASE in the Athena catalog', async () => {
    const sql = await readFile(path.join(compiled, 'staging', 'stg_fact_orders.sql'), 'utf8');

    expect(sql).toContain('"awsdatacatalog"."store_sales_glue_placeholder"."fact_orders"');
  });

  it('reads the quarantine table the stack defines in the same Glue database: quarantine counts are known', async () => {
    const staging = await readFile(path.join(compiled, 'staging', 'stg_quarantine_records.sql'), 'utf8');
    const mart = await readFile(path.join(compiled, 'marts', 'mart_data_quality.sql'), 'utf8');

    expect(staging).toContain('"awsdatacatalog"."store_sales_glue_placeholder"."quarantine_records"');
    expect(staging).not.toMatch(/where 1 = 0/);
    expect(mart).toContain('coalesce(quarantined.records_quarantined, 0)');
    expect(mart).not.toMatch(/cast\(null as bigint\) as records_quarantined/);
  });

  it('runs the staging tests over every month: the DuckDB month scope compiles to no filter', async () => {
    const dirs = [path.join(compiled, 'staging', '_staging.yml'), path.join(compiled, '..', 'tests')];
    const texts: string[] = [];
    for (const d of dirs)
      for (const f of await readdir(d)) texts.push(await readFile(path.join(d, f), 'utf8'));
    expect(texts.length).toBeGreaterThanOrEqual(30);
    const all = texts.join('\n');
    expect(all).not.toContain('__changed_fact_months__');
    expect(all).not.toMatch(/order_date >= date|where false/);
    expect(all).toContain('"awsdatacatalog"."store_sales_dbt_placeholder"."stg_fact_order_items"');
  });

  it('renders the cross-database macros in Athena (Trino) syntax, never DuckDB syntax', async () => {
    const marts = await readdir(path.join(compiled, 'marts'));
    expect(marts.filter((f) => f.endsWith('.sql')).sort()).toEqual(MARTS.map((m) => `${m}.sql`).sort());
    const texts = await Promise.all(
      MARTS.map((m) => readFile(path.join(compiled, 'marts', `${m}.sql`), 'utf8')),
    );
    const all = texts.join('\n');

    expect(all).toContain("date_add('month', -1, this_month.month)");
    expect(all).toContain('"awsdatacatalog"."store_sales_dbt_placeholder"."int_customer_months"');
    expect(all).not.toMatch(/::|\binterval\s+1\s+month\b|date_diff\(/i);
  });

  it('gives SQL that parses as Athena with only functions Athena knows', async () => {
    const models: Record<string, string> = {};
    for (const folder of ['staging', 'intermediate', 'marts']) {
      for (const file of (await readdir(path.join(compiled, folder))).filter((f) => f.endsWith('.sql'))) {
        models[file] = await readFile(path.join(compiled, folder, file), 'utf8');
      }
    }

    const res = spawnSync(venvBin('dbt', 'python'), ['-c', ATHENA_PARSER], {
      input: JSON.stringify(models),
      encoding: 'utf8',
    });
    expect(res.stderr).toBe('');
    const problems = Object.entries(JSON.parse(res.stdout) as Record<string, string[]>).filter(
      ([, p]) => p.length,
    );

    expect(Object.keys(models)).toHaveLength(3 + 9 + MARTS.length);
    expect(problems).toEqual([]);
  });

  it("hashes each incremental model's input rows per month in Athena syntax", async () => {
    const sql = await readFile(path.join(compiled, 'intermediate', 'int_month_fingerprints.sql'), 'utf8');
    expect(sql).toContain('xxhash64(to_utf8(customer_id))');
    expect(sql).toContain(
      "xxhash64(to_utf8(concat_ws('|', cast(customer_id as varchar), cast(customer_country as varchar), cast(sales_channel as varchar), cast(customer_segment as varchar), cast(order_total_usd as varchar))))",
    );
    expect(sql).toContain(
      "xxhash64(to_utf8(concat_ws('|', cast(order_id as varchar), cast(category as varchar), cast(quantity as varchar), cast(line_total_usd as varchar))))",
    );
  });

  it.each(['athena', 'trino'] as const)(
    'compiles the incremental runs for %s: months from the first changed fingerprint on',
    async (target) => {
      const sql = await compileIncremental(target, dir);
      const res = spawnSync(venvBin('dbt', 'python'), ['-c', ATHENA_PARSER], {
        input: JSON.stringify(sql),
        encoding: 'utf8',
      });

      expect(res.stderr).toBe('');
      expect(JSON.parse(res.stdout)).toEqual(
        Object.fromEntries(Object.keys(INCREMENTAL).map((m) => [m, []])),
      );
      for (const [model, text] of Object.entries(sql) as [IncrementalModel, string][]) {
        // the facts are read from the first rebuilt month on, by order_date (row group statistics)
        expect(text).toMatch(
          /order_date >= \(select coalesce\(rebuild_from, cast\('9999-12-31' as date\)\) from rebuild\)/,
        );
        expect(text).toContain(`."${CHECKSUMS[model]}"`);
        const other =
          CHECKSUMS[model] === 'int_month_fingerprints'
            ? 'int_cohort_month_fingerprints'
            : 'int_month_fingerprints';
        expect(text).not.toContain(`."${other}"`);
      }
      // cohorts from the model built whole from every month, not from the rows kept
      expect(sql.int_customer_months).toContain('."int_customer_cohorts"');
      expect(sql.int_customer_months).not.toMatch(/activity_month < \(select rebuild_from from rebuild\)/);
    },
  );
  // What each engine needs (macros/month_incremental.sql): Athena overwrites month partitions;
  // Trino's Hive connector deletes whole partitions only, so the tables are partitioned by month
  // and the rebuilt months appended after the pre-hook drops them; DuckDB deletes and inserts by month.
  it.each([
    [
      'athena',
      (month: string) => ({
        incremental_strategy: 'insert_overwrite',
        partitioned_by: [month],
        unique_key: null,
      }),
    ],
    [
      'trino',
      (month: string) => ({
        incremental_strategy: 'append',
        properties: { partitioned_by: `ARRAY['${month}']` },
        unique_key: null,
      }),
    ],
    [
      'local',
      (month: string) => ({ incremental_strategy: 'delete+insert', partitioned_by: null, unique_key: month }),
    ],
  ] as const)('configures each incremental model for %s, the month last', async (target, expected) => {
    const res = spawnSync(
      venvBin('dbt', 'dbt'),
      [
        'ls',
        ...['--target', target, '--resource-type', 'model', '--output', 'json'],
        ...['--output-keys', 'name', 'config', 'original_file_path'],
        ...['--project-dir', DBT_PROJECT_DIR, '--profiles-dir', DBT_PROJECT_DIR],
        ...[
          '--target-path',
          path.join(dir, `ls-${target}`, 'target'),
          '--log-path',
          path.join(dir, `ls-${target}`, 'logs'),
        ],
      ],
      { encoding: 'utf8', env: { ...process.env, ...PLACEHOLDER_ENV } },
    );
    expect(res.status, res.stdout + res.stderr).toBe(0);
    const nodes = res.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { name: string; config: Record<string, unknown> });
    const incremental = nodes.filter(
      (n) => n.config.materialized === 'incremental' && !KEPT_WHILE_FACTS_UNCHANGED.includes(n.name),
    );

    expect(incremental.map((n) => n.name).sort()).toEqual(Object.keys(INCREMENTAL).sort());
    const kept = nodes.filter((n) => KEPT_WHILE_FACTS_UNCHANGED.includes(n.name));
    expect(kept.map((n) => n.name).sort()).toEqual(KEPT_WHILE_FACTS_UNCHANGED);
    for (const { config } of kept)
      expect(config).toMatchObject(
        target === 'local'
          ? {
              materialized: 'incremental',
              incremental_strategy: 'append',
              on_schema_change: 'sync_all_columns',
            }
          : { materialized: 'table' },
      );
    for (const { name, config } of incremental) {
      const month = name === 'int_customer_months' ? 'activity_month' : 'month';
      expect(config).toMatchObject({ ...expected(month), on_schema_change: 'sync_all_columns' });
      const sql = await readFile(
        path.join(compiled, INCREMENTAL[name as IncrementalModel], `${name}.sql`),
        'utf8',
      );
      const columns = sql.slice(sql.lastIndexOf('final as ('));
      expect(columns).toMatch(new RegExp(`\\.${month}\\s+from`));
    }
  });
});
