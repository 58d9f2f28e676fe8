/**
 * Byte patterns the cursor matches in place: literals (also as 32-bit words), enum values and
 * key tables. Built once per module from the contract's lists, never per record.
 */

/** Bytes to match in place, also as little-endian 32-bit words for a faster compare. */
export interface Literal {
  bytes: Buffer;
  words: Uint32Array;
}

export const literal = (text: string): Literal => {
  const bytes = Buffer.from(text);
  const words = new Uint32Array(bytes.length >> 2);
  for (let i = 0; i < words.length; i++) words[i] = bytes.readUInt32LE(i * 4);
  return { bytes, words };
};

/** An enum's values as in-place literals (`value"`), each tagged by its first two bytes. */
export interface EnumMatcher {
  literals: readonly Literal[];
  tags: Int32Array;
}

export const enumMatcher = (values: readonly Buffer[]): EnumMatcher => ({
  literals: values.map((v) => literal(`${v}"`)),
  tags: Int32Array.from(values, (v) => ((v[0] ?? 0) << 8) | (v[1] ?? 0)),
});

/**
 * An object's field names (in the contract's order, which is also the order tried first) as
 * bytes and as in-place `"name":` literals; `allSeen` has one bit per field.
 */
export interface KeyTable {
  names: readonly string[];
  keys: readonly Buffer[];
  literals: readonly Literal[];
  allSeen: number;
}

export function keyTable(names: readonly string[]): KeyTable {
  if (names.length > 31) throw new Error('a key table tracks at most 31 fields');
  const keys = names.map((n) => Buffer.from(n));
  return { names, keys, literals: names.map((n) => literal(`"${n}":`)), allSeen: 2 ** names.length - 1 };
}

/**
 * The indexes of `names` in `table`, in the order given. Throws unless `names` are exactly the
 * table's fields: a reader that names them all has a branch for every field of the contract.
 */
export function fieldIndexes(table: KeyTable, names: readonly string[]): number[] {
  const same = names.length === table.names.length && names.every((n) => table.names.includes(n));
  if (!same) throw new Error(`reader fields [${names}] differ from contract fields [${table.names}]`);
  return names.map((n) => table.names.indexOf(n));
}
