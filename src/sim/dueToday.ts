import type { ScheduledQueue } from "./queue.js";

/**
 * The scheduled events (purchase candidates, post-purchase shares, retailer searches)
 * falling due on the day being simulated, handed out user by user in time order. Every scheduled event belongs to
 * one user's pair, and users share no state, so a day is simulated one user at a time with
 * that user's due events taken as the user's clock passes them: the user's purchases then
 * see exactly the touches before them.
 *
 * `load` takes the day's due events out of the event-time queue, ordered by (user, time,
 * sequence); events a user's own day schedules for later that day join the user's list.
 */
export class DueToday {
  /** The day's loaded slots, by (user, time, seq). */
  private day: number[] = [];
  private nextOfDay = 0;
  /** The current user's slots, by (time, seq), from `head`. */
  private list: number[] = [];
  private head = 0;
  private until = 0;
  /** Time of the current user's next event (+Infinity: none): one comparison per slot on the hot path. */
  nextTime = Infinity;

  constructor(
    private readonly queue: ScheduledQueue,
    private readonly brandCount: number,
  ) {}

  /** Takes every queued event due before `until` (the day's end) out of the queue. */
  load(until: number): void {
    const q = this.queue;
    this.until = until;
    this.day = [];
    this.nextOfDay = 0;
    // Popped in (time, seq) order, so a stable sort by user keeps that order within a user.
    while (q.peekTime() < until) this.day.push(q.pop());
    this.day.sort((a, b) => this.userOf(a) - this.userOf(b));
  }

  /** Starts user `u` (users come in increasing order): their loaded events become the list. */
  startUser(u: number): void {
    this.list.length = 0;
    this.head = 0;
    while (this.nextOfDay < this.day.length && this.userOf(this.day[this.nextOfDay]!) === u) {
      this.list.push(this.day[this.nextOfDay++]!);
    }
    this.updateNextTime();
  }

  /** Whether `slot` (allocated, not committed) falls due today: then it joins the current user's list. */
  takesToday(slot: number): boolean {
    const q = this.queue;
    const t = q.time[slot]!;
    if (!(t < this.until)) return false;
    // After every event due no later: slots are allocated in sequence order.
    let at = this.list.length;
    while (at > this.head && q.time[this.list[at - 1]!]! > t) at--;
    this.list.splice(at, 0, slot);
    this.updateNextTime();
    return true;
  }

  /** The current user's next event due before `t`, or -1. */
  nextBefore(t: number): number {
    if (!(this.nextTime < t)) return -1;
    const slot = this.list[this.head++]!;
    this.updateNextTime();
    return slot;
  }

  private userOf(slot: number): number {
    return Math.floor(this.queue.pair[slot]! / this.brandCount);
  }

  private updateNextTime(): void {
    this.nextTime = this.head < this.list.length ? this.queue.time[this.list[this.head]!]! : Infinity;
  }
}
