import type { RawOrder } from '../../contracts/raw-order.js';
import { orderToJsonLine } from './json-lines.js';
import { encodeLines, writeChunksAtomic } from './stream-lines.js';

/**
 * Writes `orders` as a JSON Lines file at any path (streamed, temp + rename), escaping every
 * string, so it also writes hand-made or deliberately invalid orders faithfully. For a big file
 * of one generated month: `writeOrdersFile(path, generateMonthOrders(spec, 2025, 1))`.
 */
export async function writeOrdersFile(
  file: string,
  orders: Iterable<RawOrder>,
): Promise<{ orders: number; bytes: number }> {
  const counter = { lines: 0 };
  const bytes = await writeChunksAtomic(file, encodeLines(jsonLines(orders), counter));
  return { orders: counter.lines, bytes };
}

function* jsonLines(orders: Iterable<RawOrder>): Generator<string> {
  for (const o of orders) yield orderToJsonLine(o);
}
