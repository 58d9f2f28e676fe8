import { Carry, headOf, isJsonSpace, LineSplitter, type RecordSink } from './record-splitters.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const NL = 0x0a;

/** Where the part of the file handed to the splitter starts (for the positions its messages give). */
export interface ArrayStart {
  /** File offset of the first chunk's byte 0 (the splitter is handed whole chunks). */
  offset: number;
  /** Line feeds in the file before that chunk. */
  lines: number;
}

/**
 * Nesting levels whose brackets are matched by kind (`{` with `}`, `[` with `]`); deeper ones are
 * only counted, so memory stays bounded on hostile nesting (no order nests anywhere near this).
 */
const TRACKED_DEPTH = 1024;

const MISSING = 'a closing brace, bracket or quote missing in it, or one too many';

/** 1,234 */
const count = (n: number): string => n.toLocaleString('en-US');

/**
 * Splits the elements of one top-level JSON array (the older export format), starting just
 * after its `[`. Strings and nesting are tracked byte by byte; anything after the closing `]`
 * is handed to a line splitter so trailing content is reported, not ignored.
 *
 * The array's own structure must be valid JSON: elements separated by single commas and the
 * array closed by `]`. A broken structure sets `problem` and the splitter hands nothing more:
 * - an element still open at the end of the input (a missing `}`/`]`/`"` in it, or a truncated
 *   upload): everything after its start would be one element, so the elements cannot be told
 *   apart; it is known only at the end, and the open element is kept as a bounded head meanwhile;
 * - a bracket that closes one of the other kind (`{"a":1]`): a brace missing or one too many, so
 *   where the element ends is a guess (often the array's own `]` closes an element left open);
 * - no closing `]` (a truncated upload);
 * - a missing comma between two elements, a `}` too many after one, or an empty element (`,,`,
 *   `[,`, `,]`). Those could be split, but the file fails in every JSON parser, no record is at
 *   fault (there is none to quarantine), and they are what hand edits that lost or merged orders
 *   leave behind: the source fails as a whole, like a file that is not JSON, rather than load
 *   what a guess finds.
 * A source with a problem fails (process-source.ts): its previous facts stay published.
 */
export class JsonArraySplitter {
  private readonly carry: Carry;
  private depth = 1;
  /** The opening bracket of each nesting level of the current element, the element's own first. */
  private readonly openers = new Uint8Array(TRACKED_DEPTH);
  private inString = false;
  private escaped = false;
  private inElement = false;
  private primitive = false;
  private ordinal = 0;
  private rest: LineSplitter | undefined;
  /** Between elements: a comma was seen since the last element (or none was, right after `[`). */
  private afterComma = true;
  /** File offset of `chunk[0]` for the chunk being pushed. */
  private base: number;
  /** Line feeds counted so far: those before the chunk being pushed, and in it before `nextNl`. */
  private lines: number;
  private nextNl = -1;
  /** Where the current (or last) element starts: file offset and 1-based line. */
  private elementOffset = 0;
  private elementLine = 0;
  /** Why the array cannot be split reliably; once set, nothing more is handed to the sink. */
  problem: string | undefined;

  constructor(
    private readonly sink: RecordSink,
    private readonly max: number,
    start: ArrayStart = { offset: 0, lines: 0 },
  ) {
    this.carry = new Carry(max);
    this.base = start.offset;
    this.lines = start.lines;
  }

  push(chunk: Buffer, from: number): void {
    if (this.rest) {
      this.rest.push(chunk, from);
      return;
    }
    if (this.problem) return;
    this.nextNl = chunk.indexOf(NL);
    try {
      this.scan(chunk, from);
    } finally {
      this.countLines(chunk, chunk.length);
      this.base += chunk.length;
    }
  }

  private scan(chunk: Buffer, from: number): void {
    let start = from;
    for (let i = from; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === BACKSLASH) this.escaped = true;
        else if (b === QUOTE) this.inString = false;
        continue;
      }
      if (!this.inElement) {
        if (isJsonSpace(b)) continue;
        if (b === COMMA || b === RBRACKET) {
          // A comma needs an element before it; `]` one before it unless the array is empty.
          if (this.afterComma && (b === COMMA || this.ordinal > 0)) {
            const after = this.ordinal ? `, after element ${count(this.ordinal)}` : '';
            this.fail(`an element is missing at ${this.at(chunk, i)}${after}: ${this.emptyElement(b)}`);
            return;
          }
          if (b === RBRACKET) {
            this.close(chunk, i + 1);
            return;
          }
          this.afterComma = true;
          continue;
        }
        if (!this.afterComma) {
          const after = `element ${count(this.ordinal)}`;
          if (b === RBRACE) this.fail(`a \`}\` too many at ${this.at(chunk, i)}, after ${after}`);
          else {
            const next = `element ${count(this.ordinal + 1)} (from ${this.at(chunk, i)})`;
            this.fail(`${next} follows ${after} without a comma between them`);
          }
          return;
        }
        this.afterComma = false;
        this.inElement = true;
        this.primitive = b !== LBRACE && b !== LBRACKET;
        this.ordinal++;
        start = i;
        this.countLines(chunk, i);
        this.elementOffset = this.base + i;
        this.elementLine = this.lines + 1;
        if (b === QUOTE) this.inString = true;
        else if (!this.primitive) {
          this.openers[0] = b;
          this.depth = 2;
        }
        continue;
      }
      if (b === QUOTE) this.inString = true;
      else if (this.primitive) {
        // A scalar (or garbage) element ends at the next separator; it never nests.
        if (b === COMMA || b === RBRACKET || isJsonSpace(b)) {
          this.finish(chunk, start, i);
          if (b === RBRACKET) {
            this.close(chunk, i + 1);
            return;
          }
          if (b === COMMA) this.afterComma = true;
        }
      } else if (b === LBRACE || b === LBRACKET) {
        if (this.depth <= TRACKED_DEPTH) this.openers[this.depth - 1] = b;
        this.depth++;
      } else if (b === RBRACE || b === RBRACKET) {
        this.depth--;
        const opener = this.depth <= TRACKED_DEPTH ? this.openers[this.depth - 1] : undefined;
        if (opener !== undefined && opener !== (b === RBRACE ? LBRACE : LBRACKET)) {
          this.fail(
            `${this.element()} is not closed where it should be: the \`${String.fromCharCode(b)}\` at ` +
              `${this.at(chunk, i)} closes a \`${String.fromCharCode(opener)}\`, so the elements after it ` +
              `cannot be told apart (${MISSING})`,
          );
          return;
        }
        if (this.depth === 1) this.finish(chunk, start, i + 1);
      }
    }
    if (this.inElement) this.carry.add(chunk, start, chunk.length);
  }

  end(): void {
    if (this.rest) {
      this.rest.end();
      return;
    }
    if (this.problem) return;
    if (this.inElement && (!this.primitive || this.inString)) {
      // Its head only was kept past the limit: deciding this never needs the rest of the file.
      this.fail(
        `${this.element()} is never closed, so the elements after it cannot be told apart ` +
          `(${MISSING}, or a file cut short)`,
      );
    } else if (this.ordinal > 0) {
      this.fail(`the file ends after ${this.element()} without the closing \`]\`: it looks cut short`);
    } else this.fail('the file ends without the closing `]`: it looks cut short');
  }

  /** `element 2 (from byte 1,234, line 3)`: the current or last element. */
  private element(): string {
    return `element ${count(this.ordinal)} (from byte ${count(this.elementOffset)}, line ${count(this.elementLine)})`;
  }

  private fail(why: string): void {
    this.problem = `the JSON array is malformed: ${why}`;
  }

  /** `byte 1,234, line 5`: where `chunk[i]` is in the file. */
  private at(chunk: Buffer, i: number): string {
    this.countLines(chunk, i);
    return `byte ${count(this.base + i)}, line ${count(this.lines + 1)}`;
  }

  private emptyElement(b: number): string {
    if (b === RBRACKET) return 'a comma right before the closing `]`';
    return this.ordinal ? 'two commas in a row' : 'a comma right after the opening `[`';
  }

  /**
   * Counts the line feeds of `chunk` before `to` not counted yet. `nextNl` is the first one not
   * counted, so each byte is searched once per chunk (natively), however many elements it holds.
   */
  private countLines(chunk: Buffer, to: number): void {
    while (this.nextNl >= 0 && this.nextNl < to) {
      this.lines++;
      this.nextNl = chunk.indexOf(NL, this.nextNl + 1);
    }
  }

  private finish(chunk: Buffer, start: number, end: number): void {
    this.inElement = false;
    if (this.carry.bytes > 0) {
      this.carry.add(chunk, start, end);
      this.carry.flush(this.sink, this.ordinal, (b, s, e) => this.emit(b, s, e));
    } else this.emit(chunk, start, end);
  }

  private emit(buf: Buffer, start: number, end: number): void {
    if (end - start > this.max) this.sink.oversized(this.ordinal, headOf(buf, start, end), end - start);
    else this.sink.record(buf, start, end, this.ordinal);
  }

  private close(chunk: Buffer, from: number): void {
    this.rest = new LineSplitter(this.sink, this.max, this.ordinal);
    this.rest.push(chunk, from);
  }
}
