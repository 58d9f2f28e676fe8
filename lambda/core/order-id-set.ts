/**
 * The order_ids loaded from one source, for duplicate detection without a string per order.
 * Ids are kept as their bytes, whatever shape the contract gives them: copied into one growing
 * byte arena, found through an open-addressing table (at most half full) of arena offsets,
 * lengths and hashes. A million 21-byte ids cost about 40 MB and no per-id garbage.
 */
export class OrderIdSet {
  /** Per slot: arena offset + 1 (0 = empty), byte length, hash. */
  private offset = new Int32Array(1 << 15);
  private length = new Uint16Array(1 << 15);
  private hashes = new Uint32Array(1 << 15);
  private arena = Buffer.alloc(1 << 16);
  private arenaUsed = 0;
  size = 0;

  /** Adds the id `buf[start, end)`; false if it is already present. */
  add(buf: Buffer, start: number, end: number): boolean {
    if (this.size * 2 >= this.offset.length) this.grow();
    const h = hash(buf, start, end);
    const len = end - start;
    const mask = this.offset.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const at = this.offset[i] as number;
      if (at === 0) {
        this.insert(i, h, buf, start, end);
        return true;
      }
      if (
        this.hashes[i] === h &&
        this.length[i] === len &&
        buf.compare(this.arena, at - 1, at - 1 + len, start, end) === 0
      )
        return false;
    }
  }

  private insert(slot: number, h: number, buf: Buffer, start: number, end: number): void {
    const len = end - start;
    if (this.arenaUsed + len > this.arena.length) {
      const grown = Buffer.alloc(Math.max(this.arena.length * 2, this.arenaUsed + len));
      this.arena.copy(grown, 0, 0, this.arenaUsed);
      this.arena = grown;
    }
    buf.copy(this.arena, this.arenaUsed, start, end);
    this.offset[slot] = this.arenaUsed + 1;
    this.length[slot] = len;
    this.hashes[slot] = h;
    this.arenaUsed += len;
    this.size++;
  }

  /** Doubles the table; ids stay where they are in the arena. */
  private grow(): void {
    const { offset, length, hashes } = this;
    this.offset = new Int32Array(offset.length * 2);
    this.length = new Uint16Array(offset.length * 2);
    this.hashes = new Uint32Array(offset.length * 2);
    const mask = this.offset.length - 1;
    for (let s = 0; s < offset.length; s++) {
      if (offset[s] === 0) continue;
      let i = (hashes[s] as number) & mask;
      while (this.offset[i] !== 0) i = (i + 1) & mask;
      this.offset[i] = offset[s] as number;
      this.length[i] = length[s] as number;
      this.hashes[i] = hashes[s] as number;
    }
  }
}

/** FNV-1a over the id's bytes, finished with a multiply so the low bits (the slot) mix well. */
function hash(buf: Buffer, start: number, end: number): number {
  let h = 0x811c_9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (buf[i] as number), 0x0100_0193);
  return Math.imul(h ^ (h >>> 16), 0x85eb_ca6b) >>> 0;
}
