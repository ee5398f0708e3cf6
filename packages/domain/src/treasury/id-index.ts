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
  /** item index + 1 per slot, 0 = empty */
  private readonly slots: Int32Array;
  private readonly hashes: Int32Array;
  private readonly mask: number;
  /** per item index, the id it owns (the first well-formed, unreserved occurrence); else undefined */
  private readonly owned: (string | undefined)[];

  constructor(items: number) {
    let capacity = 16;
    while (capacity < items * 2) capacity *= 2;
    this.slots = new Int32Array(capacity);
    this.hashes = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.owned = new Array<string | undefined>(items);
  }

  /** Makes item `index` the owner of `id` and returns -1, or returns the index that owns it already. */
  claim(id: string, index: number): number {
    const h = hash(id, 0, id.length);
    let slot = h & this.mask;
    for (;;) {
      const taken = this.slots[slot]!;
      if (taken === 0) break;
      if (this.hashes[slot] === h && this.owned[taken - 1] === id) return taken - 1;
      slot = (slot + 1) & this.mask;
    }
    this.slots[slot] = index + 1;
    this.hashes[slot] = h;
    this.owned[index] = id;
    return -1;
  }

  /** The index of the item owning the id `s.slice(from, to)`, or -1. */
  find(s: string, from: number, to: number): number {
    const h = hash(s, from, to);
    let slot = h & this.mask;
    for (;;) {
      const taken = this.slots[slot]!;
      if (taken === 0) return -1;
      if (this.hashes[slot] === h) {
        const id = this.owned[taken - 1]!;
        if (id.length === to - from && s.startsWith(id, from)) return taken - 1;
      }
      slot = (slot + 1) & this.mask;
    }
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
