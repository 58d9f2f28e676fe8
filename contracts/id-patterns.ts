/**
 * Id shapes as data: a sequence of literal text and runs of characters from an ASCII class.
 * The zod schema checks an id through the RegExp built here; the ETL's byte parser compiles
 * the same description into a byte-wise check, so an id rule lives in one place. A class is
 * written as ranges and single characters, e.g. `'0-9a-f'` or `' -~'` (printable ASCII).
 */

/** A run of `min`..`max` characters, each in the ASCII class `chars`. */
export interface IdRun {
  chars: string;
  min: number;
  max: number;
}

/** Literal text or a run; an id is the concatenation of its parts. */
export type IdPart = string | IdRun;
export type IdPattern = readonly IdPart[];

/** `n` decimal digits. */
export const digits = (n: number): IdRun => ({ chars: '0-9', min: n, max: n });
/** `n` lowercase hexadecimal digits. */
export const lowerHex = (n: number): IdRun => ({ chars: '0-9a-f', min: n, max: n });

/** The inclusive code ranges of an ASCII class written as `a-z` ranges and single characters. */
export function charRanges(chars: string): [number, number][] {
  const ranges: [number, number][] = [];
  for (let i = 0; i < chars.length; i++) {
    const lo = chars.charCodeAt(i);
    const ranged = chars[i + 1] === '-' && i + 2 < chars.length;
    const hi = ranged ? chars.charCodeAt(i + 2) : lo;
    if (lo > 0x7f || hi > 0x7f || hi < lo) throw new Error(`id class "${chars}": ASCII ranges only`);
    ranges.push([lo, hi]);
    if (ranged) i += 2;
  }
  return ranges;
}

const escapeLiteral = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const classChar = (code: number): string => {
  const c = String.fromCharCode(code);
  return /[\]\\^-]/.test(c) ? `\\${c}` : c;
};

/** A run as RegExp source, in the plain spelling people read (`\d{8}`, `[0-9a-f]{1,64}`). */
function runSource(run: IdRun): string {
  const set = charRanges(run.chars)
    .map(([lo, hi]) => (lo === hi ? classChar(lo) : `${classChar(lo)}-${classChar(hi)}`))
    .join('');
  const count = run.min === run.max ? `{${run.min}}` : `{${run.min},${run.max}}`;
  return `${set === '0-9' ? '\\d' : `[${set}]`}${count}`;
}

/** The whole-string RegExp an id must match (its source shows in quarantine messages). */
export function idRegExp(pattern: IdPattern): RegExp {
  const source = pattern.map((part) => (typeof part === 'string' ? escapeLiteral(part) : runSource(part)));
  return new RegExp(`^${source.join('')}$`);
}
