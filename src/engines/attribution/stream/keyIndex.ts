import { zeroed } from "../../../events/zeroed.js";

const EMPTY = -1;
const MIN_CAPACITY = 1024;

/**
 * Integer keys (exact doubles, up to 2^53) to small non-negative values, in an
 * open-addressing table of typed arrays: about 24 bytes per key and nothing for the
 * garbage collector to trace, where a Map of a hundred thousand pairs costs several
 * times that in heap. Deletion shifts later entries back, so no tombstones pile up.
 */
export class KeyIndex {
  private keys = new Float64Array(MIN_CAPACITY);
  private values = new Int32Array(MIN_CAPACITY).fill(EMPTY);
  private mask = MIN_CAPACITY - 1;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The value stored for `key`, or −1. */
  get(key: number): number {
    for (let i = this.home(key); ; i = (i + 1) & this.mask) {
      const value = this.values[i]!;
      if (value === EMPTY || this.keys[i] === key) return value;
    }
  }

  /** Stores `value` (≥ 0) for a key not in the index. */
  add(key: number, value: number): void {
    if ((this.count + 1) * 2 > this.keys.length) this.resize(this.keys.length * 2);
    this.place(key, value);
    this.count++;
  }

  /** Forgets every key and keeps the capacity. */
  clear(): void {
    this.values.fill(EMPTY);
    this.count = 0;
  }

  delete(key: number): void {
    let i = this.home(key);
    for (;;) {
      if (this.values[i] === EMPTY) return;
      if (this.keys[i] === key) break;
      i = (i + 1) & this.mask;
    }
    // Backward-shift deletion: a later entry of the run moves into the hole unless its
    // home lies (cyclically) after the hole, where a lookup would not pass the hole.
    for (let j = (i + 1) & this.mask; this.values[j] !== EMPTY; j = (j + 1) & this.mask) {
      const home = this.home(this.keys[j]!);
      const homeAfterHole = i <= j ? home > i && home <= j : home > i || home <= j;
      if (homeAfterHole) continue;
      this.keys[i] = this.keys[j]!;
      this.values[i] = this.values[j]!;
      i = j;
    }
    this.values[i] = EMPTY;
    this.count--;
  }

  private place(key: number, value: number): void {
    let i = this.home(key);
    while (this.values[i] !== EMPTY) i = (i + 1) & this.mask;
    this.keys[i] = key;
    this.values[i] = value;
  }

  private resize(capacity: number): void {
    const { keys, values } = this;
    this.keys = zeroed(Float64Array, capacity);
    this.values = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
    for (let i = 0; i < keys.length; i++) if (values[i] !== EMPTY) this.place(keys[i]!, values[i]!);
  }

  /** The key's first probe: both 32-bit halves mixed (murmur3's finaliser), then masked. */
  private home(key: number): number {
    let h = (key >>> 0) ^ Math.imul(Math.floor(key / 0x1_0000_0000), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) & this.mask;
  }
}
