import { Carry, headOf, isJsonSpace, LineSplitter, type RecordSink } from './record-splitters.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

/**
 * Splits the elements of one top-level JSON array (the older export format), starting just
 * after its `[`. Strings and nesting are tracked byte by byte; anything after the closing `]`
 * is handed to a line splitter so trailing content is reported, not ignored.
 */
export class JsonArraySplitter {
  private readonly carry: Carry;
  private depth = 1;
  private inString = false;
  private escaped = false;
  private inElement = false;
  private primitive = false;
  private ordinal = 0;
  private rest: LineSplitter | undefined;

  constructor(
    private readonly sink: RecordSink,
    private readonly max: number,
  ) {
    this.carry = new Carry(max);
  }

  push(chunk: Buffer, from: number): void {
    if (this.rest) {
      this.rest.push(chunk, from);
      return;
    }
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
        if (isJsonSpace(b) || b === COMMA) continue;
        if (b === RBRACKET) {
          this.close(chunk, i + 1);
          return;
        }
        this.inElement = true;
        this.primitive = b !== LBRACE && b !== LBRACKET;
        this.ordinal++;
        start = i;
        if (b === QUOTE) this.inString = true;
        else if (!this.primitive) this.depth = 2;
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
        }
      } else if (b === LBRACE || b === LBRACKET) this.depth++;
      else if (b === RBRACE || b === RBRACKET) {
        this.depth--;
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
    // An unterminated last element is still reported (it fails as invalid JSON).
    if (this.inElement) this.carry.flush(this.sink, this.ordinal, (b, s, e) => this.emit(b, s, e));
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
