import { grownLength } from "../../../events/blockAllocator.js";
import { grown } from "../../../events/grow.js";

/**
 * Min-heap of (due time, pair key), ordered by time then key so that pairs falling
 * due together are always handled in the same order. Entries may go stale; the
 * owner re-checks a pair when its entry pops. Typed columns: a long run queues a
 * hundred thousand pairs or more.
 */
export class DueQueue {
  private due = new Float64Array(0);
  private key = new Float64Array(0);
  private length = 0;

  /** Due time of the first entry; Infinity when empty. */
  peek(): number {
    return this.length > 0 ? this.due[0]! : Infinity;
  }

  push(due: number, key: number): void {
    if (this.length === this.due.length) {
      const length = grownLength(this.due.length, this.length + 1);
      this.due = grown(this.due, length);
      this.key = grown(this.key, length);
    }
    let i = this.length++;
    this.due[i] = due;
    this.key[i] = key;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Removes the first entry and returns its key. */
  pop(): number {
    const top = this.key[0]!;
    const last = --this.length;
    if (last > 0) {
      this.due[0] = this.due[last]!;
      this.key[0] = this.key[last]!;
      this.siftDown(0);
    }
    return top;
  }

  private siftDown(i: number): void {
    const n = this.length;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let first = i;
      if (left < n && this.before(left, first)) first = left;
      if (right < n && this.before(right, first)) first = right;
      if (first === i) return;
      this.swap(i, first);
      i = first;
    }
  }

  private before(a: number, b: number): boolean {
    const da = this.due[a]!;
    const db = this.due[b]!;
    return da < db || (da === db && this.key[a]! < this.key[b]!);
  }

  private swap(a: number, b: number): void {
    [this.due[a], this.due[b]] = [this.due[b]!, this.due[a]!];
    [this.key[a], this.key[b]] = [this.key[b]!, this.key[a]!];
  }
}
