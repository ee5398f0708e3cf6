/**
 * The item ids of one batch interned to their item index: open addressing on typed arrays, found
 * by a substring (a dependency inside a memo) without slicing it out. A Map<string, number> of
 * 100,000 ids cost intake more than all its per-item checks together: it grows by copying, and
 * every entry is heap the GC must move. Ids are user input, so the table is sized for at most
 * half load and the hash mixes every character; a crafted set of colliding ids costs probes (at
 * most n² / 2 integer compares for the n ≤ 10,000 items of a batch), never a wrong answer: a slot
 * matches only when the characters do.
 */
export class IdIndex {
  /** per slot, item index + 1 (0 = empty) and the id's hash side by side: one cache line per probe */
  private readonly slots: Int32Array;
  private readonly capacity: number;
  /** per item index, the id it owns (the first well-formed, unreserved occurrence); else undefined */
  private readonly owned: (string | undefined)[];

  constructor(items: number) {
    // two thirds full at most: a fresh typed array costs a page fault per 4 KiB touched, more than a
    // probe within the same cache line
    this.capacity = Math.ceil(items * 1.5) + 8;
    this.slots = new Int32Array(this.capacity * 2);
    this.owned = new Array<string | undefined>(items);
  }

  /** Makes item `index` the owner of `id` and returns -1, or returns the index that owns it already. */
  claim(id: string, index: number): number {
    const h = hash(id, 0, id.length);
    let slot = this.slotOf(h);
    for (;;) {
      const taken = this.slots[2 * slot]!;
      if (taken === 0) break;
      if (this.slots[2 * slot + 1] === h && this.owned[taken - 1] === id) return taken - 1;
      if (++slot === this.capacity) slot = 0;
    }
    this.slots[2 * slot] = index + 1;
    this.slots[2 * slot + 1] = h;
    this.owned[index] = id;
    return -1;
  }

  /** The index of the item owning the id `s.slice(from, to)`, or -1. */
  find(s: string, from: number, to: number): number {
    const h = hash(s, from, to);
    let slot = this.slotOf(h);
    for (;;) {
      const taken = this.slots[2 * slot]!;
      if (taken === 0) return -1;
      if (this.slots[2 * slot + 1] === h) {
        const id = this.owned[taken - 1]!;
        if (id.length === to - from && s.startsWith(id, from)) return taken - 1;
      }
      if (++slot === this.capacity) slot = 0;
    }
  }

  /** The hash scaled to [0, capacity): its high bits pick the slot (multiply-shift, no modulo). */
  private slotOf(h: number): number {
    return Math.floor(((h >>> 0) * this.capacity) / 4294967296);
  }

  /** The id item `index` owns, if it owns one. */
  idOf(index: number): string | undefined {
    return this.owned[index];
  }

  /** Every owned id, in item order. */
  ids(): string[] {
    const ids: string[] = [];
    for (let i = 0; i < this.owned.length; i++) {
      const id = this.owned[i];
      if (id !== undefined) ids.push(id);
    }
    return ids;
  }
}

/** FNV-1a over the UTF-16 code units, then murmur3's finalizer so that the low bits (the slot) depend on every character. */
function hash(s: string, from: number, to: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
