import { describe, expect, it } from 'vitest';
import { jsonShapeProblem, MAX_JSON_DEPTH } from '../../../lambda/core/json-shape-guard.js';

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('jsonShapeProblem', () => {
  it.each([
    ['the same key twice', '{"a":1,"a":2}', 'a'],
    ['the same key after a nested object and array', '{"a":{"b":[1,{"c":2}]},"a":3}', 'a'],
    ['a key written with an escape and without', '{"a":1,"\\u0061":2}', 'a'],
    ['a key holding an escaped quote', '{"a\\"b":1,"a\\"b":2}', 'a"b'],
    ['a repeat inside an object in an array', '[1,{"x":1,"y":2,"x":3}]', 'x'],
  ])('finds %s', (_, text, key) => {
    expect(jsonShapeProblem(text)).toEqual({
      reason: 'duplicate_key',
      message: `key "${key}" appears twice in one object`,
    });
  });

  it.each([
    ['a value equal to its key', '{"a":"a"}'],
    ['the same key in sibling objects', '[{"a":1},{"a":2}]'],
    ['the same key at two depths', '{"a":{"a":1}}'],
    ['repeated strings in an array', '{"tags":["a","a","b"]}'],
    ['a string repeated after commas in an array', '{"tags":["a","b","b"]}'],
    ['a top-level array of repeated strings', '["x","y","y","y"]'],
    ['a string value holding a quoted key', '{"a":"\\"a\\"","b":"{\\"a\\":1}"}'],
    ['a key after a closed array', '{"a":[1,2],"b":[3]}'],
    ['a top-level string', '"a"'],
  ])('accepts %s', (_, text) => {
    expect(JSON.parse(text)).toBeDefined();
    expect(jsonShapeProblem(text)).toBeUndefined();
  });

  it(`accepts nesting ${MAX_JSON_DEPTH} deep and refuses one level more, objects or arrays`, () => {
    expect(jsonShapeProblem(nested(MAX_JSON_DEPTH))).toBeUndefined();
    const refused = { reason: 'nesting_too_deep', message: `nested deeper than ${MAX_JSON_DEPTH} levels` };
    expect(jsonShapeProblem(nested(MAX_JSON_DEPTH + 1))).toEqual(refused);
    const objects = `${'{"a":'.repeat(MAX_JSON_DEPTH)}1${'}'.repeat(MAX_JSON_DEPTH)}`;
    expect(jsonShapeProblem(objects)).toBeUndefined();
    expect(jsonShapeProblem(`[${objects}]`)).toEqual(refused);
    // closed containers free their depth
    expect(jsonShapeProblem(`[${nested(MAX_JSON_DEPTH - 1)},${nested(MAX_JSON_DEPTH - 1)}]`)).toBeUndefined();
  });

  it('cuts a long repeated key to 64 characters in the message, and leaves text that is not JSON to JSON.parse', () => {
    const long = 'k'.repeat(100);
    expect(jsonShapeProblem(`{"${long}":1,"${long}":2}`)?.message).toBe(
      `key "${'k'.repeat(64)}" appears twice in one object`,
    );
    expect(jsonShapeProblem('{"\\x":1,"\\x":2}')).toBeUndefined();
  });
});
