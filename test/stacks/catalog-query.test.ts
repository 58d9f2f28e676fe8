import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FactColumn } from '../../contracts/fact-column.js';
import { FACT_TABLE_NAMES, FACT_TABLES } from '../../contracts/fact-tables.js';
import { QUARANTINE_TABLE } from '../../contracts/quarantine-table.js';
import { EARLIEST_ORDER_YEAR } from '../../contracts/raw-order.js';
import { STACK_OUTPUTS } from '../../contracts/stack-outputs.js';
import { STAGES } from '../../stacks/config.js';
import {
  bucketNamed,
  onlyResource,
  ref,
  resourcesOf,
  type Synthesized,
  synthStacks,
} from './synth-fixture.js';

// How each contract kind is typed in Glue (Hive DDL), written out independently of stacks/.
const glueTypeOf = (c: FactColumn): string =>
  c.kind === 'decimal'
    ? `decimal(${c.precision},${c.scale})`
    : { string: 'string', timestamp: 'timestamp', date: 'date', int32: 'int' }[c.kind];

let synth: Synthesized;
beforeAll(async () => {
  synth = await synthStacks();
});
afterAll(() => synth?.cleanup());

describe('Glue catalog, crawler mode (dev)', () => {
  it('crawls each fact table folder of the processed bucket into the stage database', () => {
    const dev = synth.stacks.dev;
    const [dbName, db] = onlyResource(dev, 'aws_glue_catalog_database');
    const [, crawler] = onlyResource(dev, 'aws_glue_crawler');
    const bucket = ref('aws_s3_bucket', bucketNamed(dev, 'processed'), 'bucket');
    expect(db.name).toBe('store_sales_dev');
    expect(crawler.database_name).toBe(ref('aws_glue_catalog_database', dbName, 'name'));
    expect((crawler.s3_target as { path: string }[]).map((t) => t.path)).toEqual([
      `s3://${bucket}/processed/store_sales/fact_orders/`,
      `s3://${bucket}/processed/store_sales/fact_order_items/`,
    ]);
    expect(crawler.schema_change_policy).toEqual({
      update_behavior: 'UPDATE_IN_DATABASE',
      delete_behavior: 'LOG',
    });
    // the crawler makes the fact tables; the only table defined up front is the quarantine one
    expect(resourcesOf(dev, 'aws_glue_catalog_table').map(([, t]) => t.name)).toEqual([
      QUARANTINE_TABLE.name,
    ]);
  });

  it('encrypts the crawler logs with the stage key', () => {
    const [secName, sec] = onlyResource(synth.stacks.dev, 'aws_glue_security_configuration');
    const [, crawler] = onlyResource(synth.stacks.dev, 'aws_glue_crawler');
    expect(crawler.security_configuration).toBe(ref('aws_glue_security_configuration', secName, 'name'));
    expect(sec.encryption_configuration).toMatchObject({
      cloudwatch_encryption: { cloudwatch_encryption_mode: 'SSE-KMS' },
      s3_encryption: { s3_encryption_mode: 'SSE-KMS' },
    });
  });
});

describe.each(['dev', 'prod'] as const)('Glue quarantine table (%s)', (stage) => {
  const quarantineTable = () => {
    const stack = synth.stacks[stage];
    const [dbName] = onlyResource(stack, 'aws_glue_catalog_database');
    const found = resourcesOf(stack, 'aws_glue_catalog_table').find(
      ([, t]) => t.name === 'quarantine_records',
    );
    return { stack, dbName, table: found?.[1] };
  };

  it('reads the JSON lines directly under quarantine/store_sales/ of the quarantine bucket, unpartitioned', () => {
    const { stack, dbName, table } = quarantineTable();
    const descriptor = table?.storage_descriptor as Record<string, unknown>;
    expect(table?.database_name).toBe(ref('aws_glue_catalog_database', dbName, 'name'));
    expect(descriptor.location).toBe(
      `s3://${ref('aws_s3_bucket', bucketNamed(stack, 'quarantine'), 'bucket')}/quarantine/store_sales/`,
    );
    expect(table?.partition_keys).toBeUndefined();
    expect(table?.table_type).toBe('EXTERNAL_TABLE');
    expect(descriptor.input_format).toBe('org.apache.hadoop.mapred.TextInputFormat');
    expect(descriptor.ser_de_info).toEqual({
      serialization_library: 'org.openx.data.jsonserde.JsonSerDe',
      parameters: { 'ignore.malformed.json': 'FALSE' },
    });
  });

  it('has the quarantine contract columns, typed as in Glue', () => {
    const { table } = quarantineTable();
    const descriptor = table?.storage_descriptor as { columns: { name: string; type: string }[] };
    expect(descriptor.columns).toEqual(
      QUARANTINE_TABLE.columns.map((c) => ({
        name: c.name,
        type: { string: 'string', int32: 'int' }[c.kind],
      })),
    );
  });
});

describe('Glue catalog, projection mode (prod)', () => {
  const table = (name: string) =>
    resourcesOf(synth.stacks.prod, 'aws_glue_catalog_table').find(([, t]) => t.name === name)?.[1];

  it('needs no crawler', () => {
    expect(resourcesOf(synth.stacks.prod, 'aws_glue_crawler')).toEqual([]);
    expect(synth.stacks.prod.output.glue_crawler_name?.value).toBe('');
  });

  it('defines exactly the contract tables', () => {
    const names = resourcesOf(synth.stacks.prod, 'aws_glue_catalog_table').map(([, t]) => t.name);
    expect(names.sort()).toEqual([...FACT_TABLE_NAMES, QUARANTINE_TABLE.name].sort());
  });

  it.each(FACT_TABLE_NAMES)('defines %s with the contract columns and types', (name) => {
    const descriptor = table(name)?.storage_descriptor as {
      columns: { name: string; type: string }[];
      location: string;
    };
    expect(descriptor.columns).toEqual(
      FACT_TABLES[name].columns.map((c: FactColumn) => ({ name: c.name, type: glueTypeOf(c) })),
    );
    expect(descriptor.location).toBe(
      `s3://${ref('aws_s3_bucket', bucketNamed(synth.stacks.prod, 'processed'), 'bucket')}/processed/store_sales/${name}/`,
    );
  });

  it.each(FACT_TABLE_NAMES)(
    'projects %s partitions order_year/order_month as zero-padded strings',
    (name) => {
      const t = table(name);
      expect(t?.partition_keys).toEqual(
        FACT_TABLES[name].partitions.map((c: FactColumn) => ({ name: c.name, type: glueTypeOf(c) })),
      );
      expect(t?.parameters).toMatchObject({
        'projection.enabled': 'true',
        // Every year the ETL accepts, from the contract's earliest to the current one.
        'projection.order_year.type': 'date',
        'projection.order_year.range': `${EARLIEST_ORDER_YEAR},NOW`,
        'projection.order_year.format': 'yyyy',
        'projection.order_year.interval': '1',
        'projection.order_year.interval.unit': 'YEARS',
        'projection.order_month.type': 'integer',
        'projection.order_month.range': '1,12',
        'projection.order_month.digits': '2',
        classification: 'parquet',
      });
      expect((t?.storage_descriptor as { ser_de_info: unknown } | undefined)?.ser_de_info).toMatchObject({
        serialization_library: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
      });
    },
  );
});

describe.each(['dev', 'prod'] as const)('Athena workgroup (%s)', (stage) => {
  it('enforces encrypted results in the results bucket and a bytes-scanned cutoff', () => {
    const stack = synth.stacks[stage];
    const wg = Object.values(stack.resource.aws_athena_workgroup ?? {}).find(
      (w) => w.name === `store-sales-${stage}-analytics`,
    );
    const [keyName] = onlyResource(stack, 'aws_kms_key');
    expect(wg).toBeDefined();
    expect(wg?.configuration).toMatchObject({
      enforce_workgroup_configuration: true,
      publish_cloudwatch_metrics_enabled: true,
      bytes_scanned_cutoff_per_query: STAGES[stage].athena.bytesScannedCutoffPerQuery,
      engine_version: { selected_engine_version: 'Athena engine version 3' },
      result_configuration: {
        output_location: `s3://${ref('aws_s3_bucket', bucketNamed(stack, 'athena-results'), 'bucket')}/query-results/`,
        encryption_configuration: {
          encryption_option: 'SSE_KMS',
          kms_key_arn: ref('aws_kms_key', keyName, 'arn'),
        },
      },
    });
  });
});

describe.each(['dev', 'prod'] as const)('stack outputs (%s)', (stage) => {
  it('exposes what the ops CLI reads, under these exact names', () => {
    const stack = synth.stacks[stage];
    const out = (name: string) => stack.output[name]?.value;
    const bucket = (role: string) => ref('aws_s3_bucket', bucketNamed(stack, role), 'bucket');
    expect(Object.keys(stack.output).sort()).toEqual([...STACK_OUTPUTS].sort());
    expect(out('region')).toBe('eu-west-1');
    expect(out('raw_bucket')).toBe(bucket('raw'));
    expect(out('processed_bucket')).toBe(bucket('processed'));
    expect(out('quarantine_bucket')).toBe(bucket('quarantine'));
    expect(out('athena_results_bucket')).toBe(bucket('athena-results'));
    expect(out('etl_function_name')).toMatch(/^\$\{aws_lambda_function\.[^}]+\.function_name\}$/);
    expect(out('glue_database')).toMatch(/^\$\{aws_glue_catalog_database\.[^}]+\.name\}$/);
    expect(out('athena_workgroup')).toMatch(/^\$\{aws_athena_workgroup\.[^}]+\.name\}$/);
    expect(out('catalog_mode')).toBe(STAGES[stage].catalog.mode);
    expect(out('athena_output_location')).toBe(`s3://${bucket('athena-results')}/query-results/`);
    expect(out('dbt_s3_data_dir')).toBe(`s3://${bucket('processed')}/dbt/`);
    if (stage === 'dev') expect(out('glue_crawler_name')).toMatch(/^\$\{aws_glue_crawler\.[^}]+\.name\}$/);
  });

  it('tags every resource with project and stage through the provider', () => {
    expect(synth.stacks[stage].provider.aws?.[0]).toMatchObject({
      region: 'eu-west-1',
      default_tags: [{ tags: { project: 'store-sales', stage, 'managed-by': 'cdktf' } }],
    });
  });
});
