import type { PairSignals } from "./pairSignals.js";
import { paddedBytes } from "./wordScan.js";

const DAY_TICKS = 86_400;
const NOT_DUE = -1;

/**
 * Every pair's derived state as of the latest snapshot, kept current without re-deriving
 * every pair every day: a state changes only when the pair gets a signal or when its
 * window ends, so a snapshot re-derives the pairs applied to since the last one and the
 * pairs whose window ends that day.
 *
 * Window ends are kept in per-day buckets. A pair's due day only moves earlier when it
 * rises to a state with a shorter window (A → I → TI), otherwise it stays and is
 * re-checked when it falls due, so a pair has at most a few bucket entries at a time.
 */
export class DerivedStates {
  /** States with the MET bit, padded for word scans (see wordScan). */
  readonly states: Uint8Array;
  /** Day whose snapshot a pair's current state may no longer hold at, or NOT_DUE. */
  private readonly dueDay: Int32Array;
  private readonly buckets = new Map<number, number[]>();

  constructor(private readonly signals: PairSignals) {
    this.states = paddedBytes(signals.pairCount);
    this.dueDay = new Int32Array(signals.pairCount).fill(NOT_DUE);
  }

  /** Brings `states` to day `day`'s end at tick `at`; snapshot days come in order, one day apart. */
  update(day: number, at: number): void {
    this.signals.drainChanged((pair) => this.refresh(pair, day, at));
    const due = this.buckets.get(day);
    if (!due) return;
    this.buckets.delete(day);
    for (const pair of due) {
      if (this.dueDay[pair] !== day) continue;
      this.dueDay[pair] = NOT_DUE;
      this.refresh(pair, day, at);
    }
  }

  private refresh(pair: number, day: number, at: number): void {
    this.states[pair] = this.signals.stateAt(pair, at);
    const until = this.signals.holdsUntil;
    if (until === 0) {
      this.dueDay[pair] = NOT_DUE;
      return;
    }
    // The first later snapshot, one day apart, whose tick is past `until`.
    const next = day + Math.floor((until - at) / DAY_TICKS) + 1;
    const current = this.dueDay[pair]!;
    if (current !== NOT_DUE && current > day && current <= next) return;
    this.dueDay[pair] = next;
    let bucket = this.buckets.get(next);
    if (!bucket) this.buckets.set(next, (bucket = []));
    bucket.push(pair);
  }
}
