import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { withAwsOptions } from '../../tools/aws/options.js';
import { type TrinoArgs, trinoSettings, withTrinoOptions } from '../../tools/trino/trino-options.js';

const parse = (argv: string[]): TrinoArgs => withTrinoOptions(yargs(argv)).parseSync() as TrinoArgs;

describe('--target trino settings', () => {
  it('takes each flag over its environment variable, and the defaults last', () => {
    const env = { TRINO_URL: 'http://env:8080', TRINO_SCHEMA: 'env_schema', TRINO_USER: 'env_user' };
    expect(trinoSettings(parse(['--trino-url', 'http://flag:8080/', '--trino-user', 'me']), env)).toEqual({
      url: 'http://flag:8080',
      user: 'me',
      catalog: 'hive',
      schema: 'env_schema',
    });
    expect(trinoSettings(parse([]), {})).toEqual({
      user: 'store_sales',
      catalog: 'hive',
      schema: 'store_sales',
    });
  });

  it('sends a password over https only', () => {
    expect(() => trinoSettings(parse(['--trino-url', 'http://h:8080', '--trino-password', 'p']), {})).toThrow(
      expect.objectContaining({ code: 'TRINO_PASSWORD_NEEDS_TLS' }),
    );
    expect(trinoSettings(parse(['--trino-url', 'https://h:8443']), { TRINO_PASSWORD: 'p' }).password).toBe(
      'p',
    );
  });

  it('reads the lake from a bucket when one is named, at the S3-compatible endpoint', () => {
    const args = parse(['--lake-bucket', 'lake', '--endpoint-url', 'http://127.0.0.1:5000']);
    expect(trinoSettings(args, { AWS_REGION: 'eu-west-1' }).bucket).toEqual({
      name: 'lake',
      endpoint: 'http://127.0.0.1:5000',
      region: 'eu-west-1',
    });
    expect(trinoSettings(parse([]), { AWS_ENDPOINT_URL: 'http://x' }).bucket).toBeUndefined();
  });

  it('shares --endpoint-url with the AWS target instead of defining it twice', () => {
    const y = withTrinoOptions(withAwsOptions(yargs([])));
    const groups = (y as unknown as { getGroups(): Record<string, string[]> }).getGroups();
    const owners = Object.entries(groups).filter(([, keys]) => keys.includes('endpoint-url'));
    expect(owners.map(([g]) => g)).toEqual([expect.stringMatching(/^AWS/)]);
  });
});
