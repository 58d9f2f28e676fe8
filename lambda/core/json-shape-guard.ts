/**
 * Checks the shape of a JSON text that JSON.parse would accept silently but the ETL must not:
 * an object with the same key twice (JSON.parse keeps the last, so the record would load with a
 * value the producer may not have meant), and nesting deeper than any valid order has (a hostile
 * record). One pass over the text with an explicit stack, so hostile depth cannot overflow the
 * call stack. Run only on the full-validation path: the fast parser already bails on repeated fields.
 */

/** Objects and arrays nested deeper than this are refused; a valid order nests three deep. */
export const MAX_JSON_DEPTH = 32;

export type ShapeProblem = { reason: 'duplicate_key' | 'nesting_too_deep'; message: string };

export function jsonShapeProblem(text: string): ShapeProblem | undefined {
  // Per open container: the keys seen so far (objects) or undefined (arrays).
  const stack: (Set<string> | undefined)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c ? 2 : 1;
      const top = stack[stack.length - 1];
      if (expectKey && top) {
        // Compare decoded keys: "a" and "\u0061" are the same key to JSON.parse.
        let key: string;
        try {
          key = JSON.parse(text.slice(i, j + 1)) as string;
        } catch {
          return undefined; // not JSON: JSON.parse reports it
        }
        if (top.has(key))
          return {
            reason: 'duplicate_key',
            message: `key "${key.slice(0, 64)}" appears twice in one object`,
          };
        top.add(key);
        expectKey = false;
      }
      i = j;
    } else if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) {
      if (stack.length >= MAX_JSON_DEPTH) {
        return { reason: 'nesting_too_deep', message: `nested deeper than ${MAX_JSON_DEPTH} levels` };
      }
      stack.push(ch === 0x7b ? new Set() : undefined);
      expectKey = ch === 0x7b;
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (ch === 0x2c /* , */) {
      expectKey = stack[stack.length - 1] !== undefined;
    }
  }
  return undefined;
}
