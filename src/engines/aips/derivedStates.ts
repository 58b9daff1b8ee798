import { DueDays, NOT_DUE } from "../../events/dueDays.js";
import { markPair, pairBits } from "../../events/pairBits.js";
import type { PairSignals } from "./pairSignals.js";
import { zeroed } from "../../events/zeroed.js";

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
  /** States with the MET bit. */
  readonly states: Uint8Array;
  /** Pairs whose state changed since the tally last took them (see DayTally.add). */
  readonly changed: Uint32Array;
  /** Day whose snapshot a pair's current state may no longer hold at, or NOT_DUE. */
  private readonly dueDays: DueDays;

  constructor(private readonly signals: PairSignals) {
    this.states = zeroed(Uint8Array, signals.pairCount);
    this.changed = pairBits(signals.pairCount);
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
    const state = this.signals.stateAt(pair, at);
    if (state !== this.states[pair]) {
      this.states[pair] = state;
      markPair(this.changed, pair);
    }
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
