import { KeyIndex } from "./keyIndex.js";

/**
 * Ids seen recently, for dropping repeated events in bounded memory. Two
 * generations of `periodMs` of arrival time each: an id is remembered at least
 * `periodMs` after it arrived and at most twice that, so memory holds a couple of
 * periods of events however long the stream runs. The generations are typed hash
 * tables reused in turn: a Set of ids boxed every id above 2^31 (all but the first
 * shard's) and rebuilt its storage each period, garbage for every touch.
 */
export class RecentIds {
  private current = new KeyIndex();
  private previous = new KeyIndex();
  private generation = -Infinity;

  constructor(private readonly periodMs: number) {}

  /** Moves the clock to `arrival` (non-decreasing); rotates generations as periods pass. */
  advance(arrival: number): void {
    const generation = Math.floor(arrival / this.periodMs);
    if (generation <= this.generation) return;
    if (generation === this.generation + 1) {
      // The current generation becomes the previous one; the expired one is emptied for reuse.
      const expired = this.previous;
      this.previous = this.current;
      this.current = expired;
      expired.clear();
    } else {
      this.previous.clear();
      this.current.clear();
    }
    this.generation = generation;
  }

  /** True when `id` was seen within memory; otherwise remembers it and returns false. */
  repeat(id: number): boolean {
    if (this.current.get(id) >= 0 || this.previous.get(id) >= 0) return true;
    this.current.add(id, 0);
    return false;
  }
}
