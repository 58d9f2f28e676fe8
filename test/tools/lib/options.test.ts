import { describe, expect, it } from 'vitest';
import { flagsWithoutValue, suggestCommand } from '../../../tools/lib/options.js';

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

describe('suggestCommand', () => {
  const names = ['generate', 'etl', 'crawl', 'create-views', 'transform', 'dashboard', 'dashboard-link'];

  it('names the only command a word begins, else the nearest within two edits', () => {
    expect(suggestCommand('gen', names)).toBe('generate');
    expect(suggestCommand('cra', names)).toBe('crawl');
    expect(suggestCommand('tranform', names)).toBe('transform');
    expect(suggestCommand('dashbaord', names)).toBe('dashboard');
    expect(suggestCommand('ettl', names)).toBe('etl');
  });

  it('names none for a word that begins several commands or is far from all of them', () => {
    expect(suggestCommand('c', names)).toBeUndefined();
    expect(suggestCommand('dash', names)).toBeUndefined();
    expect(suggestCommand('frobnicate', names)).toBeUndefined();
    expect(suggestCommand('xyz', names)).toBeUndefined();
  });
});
