import { describe, expect, it } from 'vitest';
import { STAGE_NAMES, STAGES } from '../../stacks/config.js';
import { Naming } from '../../stacks/naming.js';

const ACCOUNT = '123456789012';
const LONGEST_REGION = 'ap-southeast-5';
const BUCKET_SUFFIXES = ['raw', 'processed', 'quarantine', 'athena-results', 'access-logs'];

describe('naming', () => {
  it.each(STAGE_NAMES)(
    'keeps every %s bucket name within the S3 rules, even in the longest region',
    (stage) => {
      const naming = new Naming({ ...STAGES[stage], region: LONGEST_REGION }, ACCOUNT);
      for (const suffix of BUCKET_SUFFIXES) {
        const name = naming.bucket(suffix);
        expect(name.length).toBeLessThanOrEqual(63);
        expect(name).toMatch(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/);
      }
    },
  );

  it('gives each stage its own names, so two stages never collide', () => {
    const [dev, prod] = STAGE_NAMES.map((s) => new Naming(STAGES[s], ACCOUNT));
    expect(dev?.bucket('raw')).toBe(`store-sales-dev-raw-${ACCOUNT}-eu-west-1`);
    expect(prod?.bucket('raw')).not.toBe(dev?.bucket('raw'));
    expect(dev?.name('etl')).toBe('store-sales-dev-etl');
  });

  it('uses SQL-safe underscores for Glue names', () => {
    const naming = new Naming(STAGES.prod, ACCOUNT);
    expect(naming.glue()).toBe('store_sales_prod');
    expect(naming.glue('facts')).toBe('store_sales_prod_facts');
  });

  it('builds ARNs in the stage region and partition', () => {
    expect(new Naming(STAGES.dev, ACCOUNT).arn('glue', 'catalog')).toBe(
      `arn:aws:glue:eu-west-1:${ACCOUNT}:catalog`,
    );
  });
});
