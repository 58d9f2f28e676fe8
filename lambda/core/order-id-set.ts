/**
 * The order_ids loaded from one source, for duplicate detection without a string per order.
 * Ids are kept as their bytes, whatever shape the contract gives them: each copied into one
 * growing byte arena behind a one-byte length, found through an open-addressing table (at most
 * half full) of `[arena offset + 1, hash]` pairs, so a probe touches one slot and the arena only
 * on a hash match. A million 21-byte ids cost about 40 MB and no per-id garbage.
 */
export class OrderIdSet {
  /** Per slot: arena offset + 1 (0 = empty), then the id's hash. */
  private slots = new Uint32Array(1 << 16);
  private arena = Buffer.alloc(1 << 16);
  private arenaUsed = 0;
  size = 0;

  /** Adds the id `buf[start, end)` (at most 255 bytes); false if it is already present. */
  add(buf: Uint8Array, start: number, end: number): boolean {
    if (this.size * 4 >= this.slots.length) this.grow();
    const h = idHash(buf, start, end);
    const i = this.probe(h, buf, start, end);
    if (this.slots[i * 2] !== 0) return false;
    this.slots[i * 2] = this.store(buf, start, end) + 1;
    this.slots[i * 2 + 1] = h;
    this.size++;
    return true;
  }

  /** Calls `each` with every id, as a byte range of the arena, in the order they were added. */
  forEach(each: (buf: Uint8Array, start: number, end: number) => void): void {
    const arena = this.arena;
    for (let at = 0; at < this.arenaUsed; at += (arena[at] as number) + 1)
      each(arena, at + 1, at + 1 + (arena[at] as number));
  }

  /** Whether the id `buf[start, end)` is present. */
  has(buf: Uint8Array, start: number, end: number): boolean {
    return this.slots[this.probe(idHash(buf, start, end), buf, start, end) * 2] !== 0;
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
    const arena = this.arena;
    if (arena[at] !== end - start) return false;
    for (let i = start, j = at + 1; i < end; i++, j++) if (arena[j] !== buf[i]) return false;
    return true;
  }

  /** Copies the id into the arena behind its length; returns where it starts. */
  private store(buf: Uint8Array, start: number, end: number): number {
    const len = end - start;
    if (len > 255) throw new Error('order id longer than 255 bytes');
    if (this.arenaUsed + len + 1 > this.arena.length) {
      // doubling always fits the id: the arena starts at 64 KiB and an id is at most 256 bytes
      const grown = Buffer.alloc(this.arena.length * 2);
      this.arena.copy(grown, 0, 0, this.arenaUsed);
      this.arena = grown;
    }
    const arena = this.arena;
    const at = this.arenaUsed;
    arena[at] = len;
    for (let i = 0; i < len; i++) arena[at + 1 + i] = buf[start + i] as number;
    this.arenaUsed += len + 1;
    return at;
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
