import { DueDays, NOT_DUE } from "../../events/dueDays.js";
import type { PairSignals } from "./pairSignals.js";
import { paddedBytes } from "./wordScan.js";

const DAY_TICKS = 86_400;

/**
 * Every pair's derived state as of the latest snapshot, kept current without re-deriving
 * every pair every day: a state changes only when the pair gets a signal or when its
 * window ends, so a snapshot re-derives the pairs applied to since the last one and the
 * pairs whose window ends that day.
 *
 * Each pair has the day its window ends (see DueDays). That day only moves earlier when
 * the pair rises to a state with a shorter window (A → I → TI); otherwise it stays and
 * the pair is re-checked when it falls due.
 */
export class DerivedStates {
  /** States with the MET bit, padded for word scans (see wordScan). */
  readonly states: Uint8Array;
  /** Day whose snapshot a pair's current state may no longer hold at, or NOT_DUE. */
  private readonly dueDays: DueDays;

  constructor(private readonly signals: PairSignals) {
    this.states = paddedBytes(signals.pairCount);
    this.dueDays = new DueDays(signals.pairCount);
  }

  /** Brings `states` to day `day`'s end at tick `at`; snapshot days come in order, one day apart. */
  update(day: number, at: number): void {
    this.signals.drainChanged((pair) => this.refresh(pair, day, at));
    this.dueDays.take(day, (pair) => {
      this.dueDays.clear(pair);
      this.refresh(pair, day, at);
    });
  }

  private refresh(pair: number, day: number, at: number): void {
    this.states[pair] = this.signals.stateAt(pair, at);
    const until = this.signals.holdsUntil;
    if (until === 0) {
      this.dueDays.clear(pair);
      return;
    }
    // The first later snapshot, one day apart, whose tick is past `until`.
    const next = day + Math.floor((until - at) / DAY_TICKS) + 1;
    const current = this.dueDays.dayOf(pair);
    if (current !== NOT_DUE && current > day && current <= next) return;
    this.dueDays.set(pair, next);
  }
}
