/**
 * A binary min-heap of task indices ordered by a caller-given `before(a, b)`.
 * Indices live in an Int32Array: no per-push allocation, fine for 100k+ entries.
 */
export class IndexHeap {
  private items: Int32Array;
  private count = 0;

  constructor(
    capacity: number,
    private readonly before: (a: number, b: number) => boolean,
  ) {
    this.items = new Int32Array(Math.max(1, capacity));
  }

  get size(): number {
    return this.count;
  }

  push(index: number): void {
    if (this.count === this.items.length) {
      const grown = new Int32Array(this.items.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    const items = this.items;
    let at = this.count++;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      const p = items[parent]!;
      if (!this.before(index, p)) break;
      items[at] = p;
      at = parent;
    }
    items[at] = index;
  }

  /** The first index by `before`; -1 when empty. */
  peek(): number {
    return this.count > 0 ? this.items[0]! : -1;
  }

  /** Removes and returns the first index; -1 when empty. */
  pop(): number {
    if (this.count === 0) return -1;
    const items = this.items;
    const top = items[0]!;
    const last = items[--this.count]!;
    const n = this.count;
    let at = 0;
    while (true) {
      const left = 2 * at + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && this.before(items[right]!, items[left]!)) child = right;
      const c = items[child]!;
      if (!this.before(c, last)) break;
      items[at] = c;
      at = child;
    }
    if (n > 0) items[at] = last;
    return top;
  }
}
