/** Bytes per block of the id arena: ids never straddle blocks (at most 258 bytes lost per block). */
export const ARENA_BLOCK_BYTES = 1 << 20;
const BLOCK_SHIFT = 20;
/**
 * Block offsets are stored + 1 in a Uint32: 4,095 blocks (~4 GiB of ids) at most, ~195M ids of 21
 * bytes, ~171M tagged (docs/scale.md, "Where Lambda's limits bind": 14 years of 1M orders a month).
 */
const MAX_BLOCKS = 4095;
/** Tags take 3 bytes. */
const MAX_TAG = 0xff_ffff;

/**
 * A set of order_ids, for duplicate detection without a string per order: a source's loaded ids,
 * and the ids every other source holds (each with a tag, the number of its holder). Ids are kept
 * as their bytes, whatever shape the contract gives them: each copied into a byte arena behind a
 * one-byte length (and its tag), found through an open-addressing table of
 * `[arena offset + 1, hash]` pairs, so a probe touches one slot and the arena only on a hash
 * match. The table doubles when three quarters full (half full took ~15 % more memory for the
 * same lookup time, measured on 2.6M held ids). The arena grows by 1 MiB blocks, not by
 * doubling: nothing is copied and no doubled buffer sits half empty (ten million held ids would
 * otherwise fill a 256 MiB buffer copied from a 128 MiB one). A million 21-byte ids cost about
 * 40 MB and no per-id garbage.
 */
export class OrderIdSet {
  /** Per slot: arena offset + 1 (0 = empty), then the id's hash. */
  private slots = new Uint32Array(1 << 16);
  /** Bytes of each id's tag, stored behind its length: 3 in a `tagged` set (16M tags), else none. */
  private readonly tagBytes: number;
  private readonly blocks: Buffer[] = [];
  /** Bytes used in each block. */
  private readonly blockUsed: number[] = [];
  size = 0;

  /** `tagged`: each id carries a number given to `add` and returned by `tagOf`. */
  constructor(options: { tagged?: boolean } = {}) {
    this.tagBytes = options.tagged ? 3 : 0;
  }

  /** Adds the id `buf[start, end)` (at most 255 bytes) with its tag; false if it is already present (its tag is kept). */
  add(buf: Uint8Array, start: number, end: number, tag = 0): boolean {
    if (tag !== 0 && (this.tagBytes === 0 || !(Number.isInteger(tag) && tag > 0 && tag <= MAX_TAG))) {
      throw new Error(
        this.tagBytes ? `tag ${tag} is not an integer in 0-${MAX_TAG}` : 'tag given to an untagged set',
      );
    }
    if (this.size * 8 >= this.slots.length * 3) this.grow();
    const h = idHash(buf, start, end);
    const i = this.probe(h, buf, start, end);
    if (this.slots[i * 2] !== 0) return false;
    this.slots[i * 2] = this.store(buf, start, end, tag) + 1;
    this.slots[i * 2 + 1] = h;
    this.size++;
    return true;
  }

  /** Calls `each` with every id, as a byte range of the arena, in the order they were added. */
  forEach(each: (buf: Uint8Array, start: number, end: number) => void): void {
    const skip = 1 + this.tagBytes;
    this.blocks.forEach((block, b) => {
      const used = this.blockUsed[b] as number;
      for (let at = 0; at < used; at += skip + (block[at] as number)) {
        each(block, at + skip, at + skip + (block[at] as number));
      }
    });
  }

  /** Whether the id `buf[start, end)` is present. */
  has(buf: Uint8Array, start: number, end: number): boolean {
    return this.slots[this.probe(idHash(buf, start, end), buf, start, end) * 2] !== 0;
  }

  /** The tag the id `buf[start, end)` was added with, or undefined if it is not present. */
  tagOf(buf: Uint8Array, start: number, end: number): number | undefined {
    const at = (this.slots[this.probe(idHash(buf, start, end), buf, start, end) * 2] as number) - 1;
    if (at < 0) return undefined;
    if (this.tagBytes === 0) return 0;
    const block = this.blocks[at >>> BLOCK_SHIFT] as Buffer;
    return block.readUIntLE((at & (ARENA_BLOCK_BYTES - 1)) + 1, 3);
  }

  /** The slot that holds the id, or else the empty slot where it would go. */
  private probe(h: number, buf: Uint8Array, start: number, end: number): number {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const at = slots[i * 2] as number;
      if (at === 0 || (slots[i * 2 + 1] === h && this.equals(at - 1, buf, start, end))) return i;
    }
  }

  /** Whether the stored id at `at` is `buf[start, end)` (a JS loop: ids are short). */
  private equals(at: number, buf: Uint8Array, start: number, end: number): boolean {
    const block = this.blocks[at >>> BLOCK_SHIFT] as Buffer;
    const from = at & (ARENA_BLOCK_BYTES - 1);
    if (block[from] !== end - start) return false;
    for (let i = start, j = from + 1 + this.tagBytes; i < end; i++, j++)
      if (block[j] !== buf[i]) return false;
    return true;
  }

  /** Copies the id into the arena behind its length; returns where it starts. */
  private store(buf: Uint8Array, start: number, end: number, tag: number): number {
    const len = end - start;
    if (len > 255) throw new Error('order id longer than 255 bytes');
    const entry = 1 + this.tagBytes + len;
    let b = this.blocks.length - 1;
    if (b < 0 || (this.blockUsed[b] as number) + entry > ARENA_BLOCK_BYTES) {
      if (this.blocks.length === MAX_BLOCKS) throw new Error('more than 4 GiB of order ids in one set');
      this.blocks.push(Buffer.allocUnsafe(ARENA_BLOCK_BYTES));
      this.blockUsed.push(0);
      b++;
    }
    const block = this.blocks[b] as Buffer;
    const at = this.blockUsed[b] as number;
    block[at] = len;
    if (this.tagBytes) block.writeUIntLE(tag, at + 1, 3);
    const from = at + 1 + this.tagBytes;
    for (let i = 0; i < len; i++) block[from + i] = buf[start + i] as number;
    this.blockUsed[b] = at + entry;
    return b * ARENA_BLOCK_BYTES + at;
  }

  /** Doubles the table; ids stay where they are in the arena. */
  private grow(): void {
    const old = this.slots;
    const slots = new Uint32Array(old.length * 2);
    const mask = (slots.length >> 1) - 1;
    for (let s = 0; s < old.length; s += 2) {
      if (old[s] === 0) continue;
      let i = (old[s + 1] as number) & mask;
      while (slots[i * 2] !== 0) i = (i + 1) & mask;
      slots[i * 2] = old[s] as number;
      slots[i * 2 + 1] = old[s + 1] as number;
    }
    this.slots = slots;
  }
}

/** FNV-1a over the id's bytes, finished with a multiply so the low bits (the slot) mix well. */
export function idHash(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c_9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (buf[i] as number), 0x0100_0193);
  return Math.imul(h ^ (h >>> 16), 0x85eb_ca6b) >>> 0;
}

/**
 * Two independent 32-bit hashes of the id's bytes in one pass (FNV-1a with two primes and two
 * finishing multiplies), into `out[0]` and `out[1]`: ids stood for by 64 bits where holding the
 * ids themselves costs too much (`held-order-ids.ts`, `ops etl`'s parallel check). `out[0]` is
 * `idHash`.
 */
export function idHashPair(buf: Uint8Array, start: number, end: number, out: Uint32Array): void {
  let h1 = 0x811c_9dc5;
  let h2 = 0x050c_5d1f;
  for (let i = start; i < end; i++) {
    const b = buf[i] as number;
    h1 = Math.imul(h1 ^ b, 0x0100_0193);
    h2 = Math.imul(h2 ^ b, 0x01b3_a3b5);
  }
  out[0] = Math.imul(h1 ^ (h1 >>> 16), 0x85eb_ca6b);
  out[1] = Math.imul(h2 ^ (h2 >>> 13), 0xc2b2_ae35);
}
