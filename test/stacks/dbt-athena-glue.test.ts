import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { venvBin } from '../../tools/scripts/ensure-python.js';
import { asList, resourcesOf, type Synthesized, statementsOf, synthStacks } from './synth-fixture.js';

// The refresh runner runs `dbt build --target athena` with its own role, and moto enforces no
// IAM: a Glue call the role lacks fails only in a real account. So the role is checked against
// the Glue calls of the installed dbt-athena itself: a new call after an upgrade fails here.

/** Glue calls dbt-athena makes that `ops refresh` never reaches, and why. */
const NOT_IN_A_REFRESH: Record<string, string> = {
  'glue:DeleteDatabase': 'drop_glue_database: dropping a schema, which no dbt build does',
};

/**
 * Calls Athena makes in Glue with the caller's rights while running dbt-athena's SQL: a CTAS or
 * INSERT INTO a partitioned table registers its new partitions.
 */
const ATHENA_ON_BEHALF = ['glue:BatchCreatePartition'];

const pascal = (snake: string) => snake.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());

/** The folder of the installed adapter (`dbt/adapters/athena`), asked of the dbt environment's Python. */
function adapterDir(): string {
  const res = spawnSync(
    venvBin('dbt', 'python'),
    ['-c', 'import os, dbt.adapters.athena as a; print(os.path.dirname(a.__file__))'],
    { encoding: 'utf8' },
  );
  if (res.status !== 0) throw new Error(`cannot locate dbt-athena: ${res.stderr}`);
  return res.stdout.trim();
}

/** Every Glue API the adapter's Python calls, as IAM actions (`glue_client.get_table(` → glue:GetTable). */
function glueActionsOfAdapter(dir: string): string[] {
  const actions = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.py'))) {
    const source = readFileSync(path.join(dir, file), 'utf8');
    // Every Glue client the adapter makes is named glue_client, so the calls below are all of them.
    const clients = source.match(/\.client\(\s*"glue"/g)?.length ?? 0;
    const named = source.match(/glue_client(?:: \w+)? = client\.session\.client\(\s*"glue"/g)?.length ?? 0;
    expect(named, `${file}: a Glue client not named glue_client`).toBe(clients);
    for (const [, op] of source.matchAll(/glue_client\.get_paginator\("([a-z_]+)"\)/g))
      actions.add(`glue:${pascal(op!)}`);
    for (const [, op] of source.matchAll(/glue_client\.([a-z_]+)\(/g)) {
      if (op !== 'get_paginator') actions.add(`glue:${pascal(op!)}`);
    }
  }
  return [...actions].sort();
}

let synth: Synthesized;
beforeAll(async () => {
  synth = await synthStacks();
});
afterAll(() => synth?.cleanup());

describe.each(['dev', 'prod'] as const)("the refresh runner's Glue grants cover dbt-athena (%s)", (stage) => {
  it('allows every Glue call of the installed dbt-athena, and the partitions Athena registers', () => {
    const found = glueActionsOfAdapter(adapterDir());
    // The scan sees the calls a build makes (a guard against a pattern that matches nothing).
    expect(found).toEqual(
      expect.arrayContaining(['glue:GetTable', 'glue:GetTableVersions', 'glue:GetDatabases']),
    );

    const policy = resourcesOf(synth.stacks[stage], 'aws_iam_role_policy').find(
      ([, r]) => r.name === 'refresh-least-privilege',
    )?.[1];
    const allowed = new Set(
      statementsOf(policy?.policy)
        .filter((s) => s.Effect === 'Allow')
        .flatMap((s) => asList(s.Action)),
    );
    const needed = [...found.filter((a) => !(a in NOT_IN_A_REFRESH)), ...ATHENA_ON_BEHALF];
    expect(needed.filter((a) => !allowed.has(a))).toEqual([]);
  });

  it("grants the table-level calls on the models' tables, not on the fact tables", () => {
    const policy = resourcesOf(synth.stacks[stage], 'aws_iam_role_policy').find(
      ([, r]) => r.name === 'refresh-least-privilege',
    )?.[1];
    const versions = statementsOf(policy?.policy).filter((s) =>
      asList(s.Action).includes('glue:DeleteTableVersion'),
    );
    expect(versions).toHaveLength(1);
    const tables = asList(versions[0]!.Resource as string | string[]).filter((r) => r.includes(':table/'));
    expect(tables.map((r) => r.replace(/^.*:table\/[^/]*\//, '')).sort()).toEqual([
      'int_*',
      'mart_*',
      'stg_*',
      'v_*',
    ]);
  });
});
