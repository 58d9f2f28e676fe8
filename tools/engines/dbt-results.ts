/* dbt's run_results.json, folded into what `ops transform` reports. */

/** Pass / fail counts of one kind of node in a dbt run. */
export interface NodeCounts {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * A node that did not pass: its name (`unique_stg_fact_orders_order_id`; unit tests as
 * `<model>.<test>`), dbt status (`fail`, `error`) and message.
 */
export interface DbtNodeFailure {
  uniqueId: string;
  name: string;
  status: string;
  message: string;
}

/** Models (views and tables), data tests (generic and singular) and unit tests of one run. */
export interface RunResultsSummary {
  models: NodeCounts;
  tests: NodeCounts;
  unitTests: NodeCounts;
  failures: DbtNodeFailure[];
}

/** One node's entry in run_results.json (the fields used here). */
export interface RunResult {
  unique_id: string;
  status: string;
  message: string | null;
}

const PASSED = new Set(['success', 'pass']);
const SKIPPED = new Set(['skipped', 'no-op']);

/**
 * Folds run_results.json's per-node statuses into counts per node kind and a failure list. A
 * failed hook (`operation.*`, e.g. on-run-start) is not counted but is listed: it fails the run
 * before any model, which would otherwise be reported as skipped with no cause.
 */
export function summarizeRunResults(results: RunResult[]): RunResultsSummary {
  const zero = (): NodeCounts => ({ passed: 0, failed: 0, skipped: 0 });
  const counts = { model: zero(), test: zero(), unit_test: zero() };
  const failures: DbtNodeFailure[] = [];
  for (const r of results) {
    const kind = r.unique_id.split('.')[0] ?? '';
    const bucket = kind in counts ? counts[kind as keyof typeof counts] : undefined;
    if (!bucket && kind !== 'operation') continue;
    const outcome = PASSED.has(r.status) ? 'passed' : SKIPPED.has(r.status) ? 'skipped' : 'failed';
    if (bucket) bucket[outcome] += 1;
    if (outcome !== 'failed') continue;
    // unique_id is `<kind>.<project>.<name>[.<hash>]`; generic tests carry a 10-hex hash
    const name = r.unique_id
      .split('.')
      .slice(2)
      .filter((part, i, all) => !(kind === 'test' && i === all.length - 1 && /^[0-9a-f]{10}$/.test(part)))
      .join('.');
    failures.push({ uniqueId: r.unique_id, name, status: r.status, message: r.message ?? '' });
  }
  return { models: counts.model, tests: counts.test, unitTests: counts.unit_test, failures };
}
