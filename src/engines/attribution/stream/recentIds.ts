/**
 * Ids seen recently, for dropping repeated events in bounded memory. Two
 * generations of `periodMs` of arrival time each: an id is remembered at least
 * `periodMs` after it arrived and at most twice that, so memory holds a couple of
 * periods of events however long the stream runs.
 */
export class RecentIds {
  private current = new Set<number>();
  private previous = new Set<number>();
  private generation = -Infinity;

  constructor(private readonly periodMs: number) {}

  /** Moves the clock to `arrival` (non-decreasing); rotates generations as periods pass. */
  advance(arrival: number): void {
    const generation = Math.floor(arrival / this.periodMs);
    if (generation <= this.generation) return;
    this.previous = generation === this.generation + 1 ? this.current : new Set();
    this.current = new Set();
    this.generation = generation;
  }

  /** True when `id` was seen within memory; otherwise remembers it and returns false. */
  repeat(id: number): boolean {
    if (this.current.has(id) || this.previous.has(id)) return true;
    this.current.add(id);
    return false;
  }
}
