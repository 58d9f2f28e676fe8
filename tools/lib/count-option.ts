import { OpsError } from '../../contracts/ops-error.js';
import { singleValue } from './options.js';

/** `k` and `M`, as people write sizes: `5k` = 5,000, `1.5M` = 1,500,000. */
const SUFFIX_DIGITS: Record<string, number> = { k: 3, K: 3, m: 6, M: 6 };

/**
 * Reads a whole-number flag as typed: `5000`, `5_000`, and with `suffixes` also `5k` or
 * `1.5M`. Anything else is refused naming the flag, what it expects and what was given, instead
 * of reaching the range checks as NaN. Range (at least 1, ...) is the caller's to check.
 */
export function parseCount(flag: string, value: unknown, { suffixes = false } = {}): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  const text = String(singleValue(flag, value)).trim().replace(/_/g, '');
  const match = /^(\d+)(?:\.(\d+))?([kKmM])?$/.exec(text);
  const digits = match?.[3] ? (SUFFIX_DIGITS[match[3]] ?? 0) : 0;
  const fraction = match?.[2] ?? '';
  // decimal string arithmetic, so 1.2M is exactly 1,200,000 and 1.2345k is refused, not rounded
  if (match && (!match[3] || suffixes) && fraction.length <= digits) {
    const n = Number(`${match[1]}${fraction.padEnd(digits, '0')}`);
    if (Number.isSafeInteger(n)) return n;
  }
  if (/^-\d/.test(text))
    throw new OpsError('BAD_OPTION', `${flag} cannot be negative (got "${String(value)}")`);
  const examples = suffixes ? 'e.g. 5000, 5k or 1.5M' : 'e.g. 42';
  throw new OpsError('BAD_OPTION', `${flag} must be a whole number, ${examples} (got "${String(value)}")`);
}
