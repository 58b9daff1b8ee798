import { filled } from "./zeroed.js";

/** An item with no due day. */
export const NOT_DUE = -1;
/** Items per block of the index (2^5 = 32). */
const BLOCK_BITS = 5;
const NO_DAY = 0x7fff_ffff;

/**
 * The day each item (a pair) is next due, for timers that fire at day ends: with the
 * earliest due day of every block of 32 items, a day's due items are found by skipping
 * the blocks with nothing due. Memory is fixed by the item count. (A wheel of per-day
 * lists held an entry for every pending item, hundreds of thousands after a few weeks,
 * so it grew with the run.)
 */
export class DueDays {
  private readonly due: Int32Array;
  /** A lower bound of the due days in each block (NO_DAY: none). */
  private readonly blockFirst: Int32Array;

  constructor(items: number) {
    this.due = filled(Int32Array, items, NOT_DUE);
    this.blockFirst = filled(Int32Array, (items >>> BLOCK_BITS) + 1, NO_DAY);
  }

  /** The item's due day, or NOT_DUE. */
  dayOf(item: number): number {
    return this.due[item]!;
  }

  set(item: number, day: number): void {
    this.due[item] = day;
    const block = item >>> BLOCK_BITS;
    if (day < this.blockFirst[block]!) this.blockFirst[block] = day;
  }

  clear(item: number): void {
    this.due[item] = NOT_DUE;
  }

  /**
   * Calls `visit` with every item due on `day`, in item order. A visit may set its own
   * item's day again; one set to `day` itself or earlier is not visited again (days are
   * taken in order, so it never falls due).
   */
  take(day: number, visit: (item: number) => void): void {
    const { due, blockFirst } = this;
    for (let block = 0; block < blockFirst.length; block++) {
      if (blockFirst[block]! > day) continue;
      let first = NO_DAY;
      const end = Math.min((block + 1) << BLOCK_BITS, due.length);
      for (let item = block << BLOCK_BITS; item < end; item++) {
        if (due[item] === day) visit(item);
        const d = due[item]!;
        if (d > day && d < first) first = d;
      }
      blockFirst[block] = first;
    }
  }
}
