/**
 * [from, to) ranges of a string, appended to a growable Int32Array: intake records where each
 * memo's dependency ids are instead of slicing 100,000s of short strings out of the memos (and
 * keeping them alive until every id of the batch is known — GC time, not parse time, dominated).
 */
export class Spans {
  /** from, to pairs; `length` ints of it are in use */
  data: Int32Array;
  length = 0;

  constructor(capacity = 16) {
    this.data = new Int32Array(Math.max(2, capacity * 2));
  }

  get count(): number {
    return this.length >> 1;
  }

  push(from: number, to: number): void {
    if (this.length + 2 > this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = from;
    this.data[this.length++] = to;
  }
}
