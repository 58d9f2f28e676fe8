import { OpsError } from '../../contracts/ops-error.js';
import { FxReferenceError } from '../../lambda/core/fx-table.js';

/**
 * The CLI error for a lake's `reference/fx_rates.csv` the ETL cannot use (`FxReferenceError`):
 * the file, the line at fault, and the command to run once it is fixed. Other errors pass as they are.
 */
export function fxReferenceInvalid(err: unknown, file: string, command: string): unknown {
  if (!(err instanceof FxReferenceError)) return err;
  return new OpsError(
    'FX_REFERENCE_INVALID',
    err.message,
    `fix ${file} (header month,currency,rate_to_usd; rows like 2025-01,JPY,0.006410), then run \`${command}\` again`,
    { cause: err },
  );
}
