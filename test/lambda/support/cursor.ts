import { BAIL, JsonByteCursor } from '../../../lambda/core/json-byte-cursor.js';

/** A cursor over `text` alone (the value is the whole record), or up to `end`. */
export function cursorOn(text: string, end?: number): JsonByteCursor {
  const c = new JsonByteCursor();
  const buf = Buffer.from(text);
  c.begin(buf, 0, end ?? buf.length);
  return c;
}

/** `read`'s value and where it left the cursor, or the reason it bailed (left the fast path). */
export function outcome<T>(c: JsonByteCursor, read: () => T): { value: T; p: number } | { bail: string } {
  try {
    const value = read();
    return { value, p: c.p };
  } catch (err) {
    if (err !== BAIL) throw err;
    return { bail: c.bailReason };
  }
}
