import { grown } from "../events/grow.js";

/**
 * One day's sessions of a shard's users (start time, shard-local user, index among the
 * user's sessions), planned user by user and run in order of their start. Columns are
 * reused from day to day.
 */
export class DaySessions {
  start = new Float64Array(4096);
  user = new Int32Array(4096);
  index = new Int32Array(4096);
  count = 0;
  /** Rows in order of start; ties in the order added, which is (user, session) order. */
  order: number[] = [];

  clear(): void {
    this.count = 0;
    this.order = [];
  }

  add(start: number, user: number, index: number): void {
    if (this.count === this.start.length) {
      this.start = grown(this.start, this.count * 2);
      this.user = grown(this.user, this.count * 2);
      this.index = grown(this.index, this.count * 2);
    }
    this.start[this.count] = start;
    this.user[this.count] = user;
    this.index[this.count++] = index;
  }

  sortByStart(): void {
    const start = this.start;
    this.order = Array.from({ length: this.count }, (_, i) => i).sort((x, y) => start[x]! - start[y]! || x - y);
  }
}
