import { describe, expect, it } from 'vitest';
import { assertValidKey, InvalidKeyError, ObjectNotFoundError } from '../../../lambda/core/object-store.js';

// The key rule every store applies before touching a file or an S3 object, and the errors a
// caller matches on by `code`.
describe('object keys', () => {
  it.each(['raw/store_sales/orders_2025_01.json', 'a', 'a/b..c/d', '.hidden/x', 'a/.b', 'a/b.', '...'])(
    'accepts %j',
    (key) => {
      expect(() => assertValidKey(key)).not.toThrow();
    },
  );

  it.each(['', '/abs', '/', 'a\\b', '..', '.', '../x', 'a/../b', 'a/./b', 'a/..', 'a/.'])(
    'refuses %j',
    (key) => {
      expect(() => assertValidKey(key)).toThrow(
        expect.objectContaining({
          name: 'InvalidKeyError',
          code: 'invalid_key',
          key,
          message: `invalid object key "${key}": keys are relative, '/'-separated and never contain '..'`,
        }),
      );
      expect(() => assertValidKey(key)).toThrow(InvalidKeyError);
    },
  );

  it('names a missing object, where it was looked for, and why', () => {
    const cause = new Error('ENOENT');
    const err = new ObjectNotFoundError('/lake', 'raw/x.json', { cause });
    expect({ ...err, name: err.name, message: err.message, cause: err.cause }).toEqual({
      name: 'ObjectNotFoundError',
      code: 'object_not_found',
      location: '/lake',
      key: 'raw/x.json',
      message: 'object not found: raw/x.json in /lake',
      cause,
    });
  });
});
