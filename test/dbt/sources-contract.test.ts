import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FACT_TABLE_NAMES, FACT_TABLES } from '../../contracts/fact-tables.js';
import { venvBin } from '../../tools/scripts/ensure-python.js';

// dbt's source declaration of the fact tables lists the contract's columns (stored, then
// partition columns) with the contract's descriptions. Parsed with PyYAML from the dbt venv
// (node_modules has no YAML parser).
const SOURCES = new URL('../../dbt/models/sources.yml', import.meta.url).pathname;

interface SourceTable {
  name: string;
  columns?: { name: string; description?: string }[];
}

const sources = (): SourceTable[] => {
  const script = 'import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))';
  const parsed = JSON.parse(
    execFileSync(venvBin('dbt', 'python'), ['-c', script, SOURCES], { encoding: 'utf8' }),
  );
  return (parsed.sources as { name: string; tables: SourceTable[] }[]).find((s) => s.name === 'store_sales')!
    .tables;
};

describe('dbt sources.yml', () => {
  it('declares the contract tables with the contract columns and descriptions', () => {
    const tables = sources();
    expect(tables.map((t) => t.name)).toEqual(FACT_TABLE_NAMES);
    for (const table of FACT_TABLE_NAMES) {
      const { columns, partitions } = FACT_TABLES[table];
      expect(tables.find((t) => t.name === table)?.columns).toEqual(
        [...columns, ...partitions].map((c) => ({ name: c.name, description: c.description })),
      );
    }
  });
});
