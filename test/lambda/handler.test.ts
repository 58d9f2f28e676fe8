import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, readConfig } from '../../lambda/config.js';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('Lambda handler module', () => {
  it('fails at cold start naming the missing variable', async () => {
    vi.stubEnv('PROCESSED_BUCKET', 'processed');
    vi.stubEnv('QUARANTINE_BUCKET', '');

    await expect(import('../../lambda/handler.js')).rejects.toThrow(/QUARANTINE_BUCKET/);
  });

  it('loads with its configuration and exports the handler', async () => {
    vi.stubEnv('PROCESSED_BUCKET', 'processed');
    vi.stubEnv('QUARANTINE_BUCKET', 'quarantine');

    const module = await import('../../lambda/handler.js');

    expect(typeof module.handler).toBe('function');
  });

  it('rules out the encoder thread below two vCPUs of memory', () => {
    const base = { PROCESSED_BUCKET: 'p', QUARANTINE_BUCKET: 'q' };
    expect(readConfig({ ...base, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024' }).encoderThread).toBe(false);
    expect(readConfig({ ...base, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '4096' }).encoderThread).toBeUndefined();
    expect(() => readConfig({ ...base, S3_ENDPOINT: 'not a url' })).toThrow(ConfigError);
  });
});
