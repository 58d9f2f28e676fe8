import { describe, expect, it } from 'vitest';
import { flagsWithoutValue } from '../../../tools/lib/options.js';

describe('flagsWithoutValue', () => {
  const takesValue = (name: string) => ['lake', 'months', 'from', 'file'].includes(name);

  it('names the value-taking flags that are last or followed by another flag', () => {
    expect(flagsWithoutValue(['generate', '--months'], takesValue)).toEqual(['--months']);
    expect(flagsWithoutValue(['generate', '--from', '--months', '2'], takesValue)).toEqual(['--from']);
    expect(flagsWithoutValue(['etl', '--file', '-h'], takesValue)).toEqual(['--file']);
  });

  it('accepts values, negative numbers, --flag=value, booleans and whatever follows --', () => {
    expect(flagsWithoutValue(['generate', '--months', '2', '--lake', 'x'], takesValue)).toEqual([]);
    expect(flagsWithoutValue(['generate', '--months', '-1'], takesValue)).toEqual([]);
    expect(flagsWithoutValue(['generate', '--lake=', '--force'], takesValue)).toEqual([]);
    expect(flagsWithoutValue(['transform', '--full-refresh'], takesValue)).toEqual([]);
    expect(flagsWithoutValue(['etl', '--', '--lake'], takesValue)).toEqual([]);
  });
});
