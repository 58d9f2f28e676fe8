/**
 * The order_ids loaded from one source, for duplicate detection without a string per order.
 * A valid id is `ORD-<8 digits>-<8 hex>`, i.e. two 32-bit numbers; they live in an
 * open-addressing table of Uint32 pairs (8 bytes per slot, at most half full), so a million
 * ids cost 16 MB and no garbage.
 */
export class OrderIdSet {
  private slots = new Uint32Array(1 << 16);
  private used = new Uint8Array(1 << 15);
  size = 0;

  /** Adds the id made of `digits` (its 8 decimal digits) and `hex` (its 8 hex digits); false if present. */
  add(digits: number, hex: number): boolean {
    if (this.size * 2 >= this.used.length) this.grow();
    const mask = this.used.length - 1;
    for (let i = hash(digits, hex) & mask; ; i = (i + 1) & mask) {
      if (!this.used[i]) {
        this.used[i] = 1;
        this.slots[i * 2] = digits;
        this.slots[i * 2 + 1] = hex;
        this.size++;
        return true;
      }
      if (this.slots[i * 2] === digits && this.slots[i * 2 + 1] === hex) return false;
    }
  }

  private grow(): void {
    const { slots, used } = this;
    this.slots = new Uint32Array(slots.length * 2);
    this.used = new Uint8Array(used.length * 2);
    this.size = 0;
    for (let i = 0; i < used.length; i++)
      if (used[i]) this.add(slots[i * 2] as number, slots[i * 2 + 1] as number);
  }
}

/** Mixes the two halves (multiplicative hashing; the hex half is already random-looking). */
const hash = (digits: number, hex: number): number =>
  (Math.imul(digits, 0x9e37_79b1) ^ Math.imul(hex, 0x85eb_ca6b)) >>> 0;
