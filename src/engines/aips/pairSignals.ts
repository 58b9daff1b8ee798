import { AipsState } from "../../events/enums.js";
import { markPair, pairBits } from "../../events/pairBits.js";
import { zeroed } from "../../events/zeroed.js";
import type { AipsOptions } from "./options.js";
import { Signal } from "./signals.js";

const { none, A, I, TI, P, S } = AipsState;

/** Bit set on a derived state when the pair has had at least one observed signal. */
export const MET = 8;
/** Mask of the state code in a derived state. */
export const STATE = 7;

/** Field offsets in a pair's record. */
const ANY = 0;
const ENGAGE = 1;
const STRONG = 2;
const PURCHASE = 3;
const SHARE = 4;
const READS = 5;

/**
 * Per (user, brand) pair: the latest time of each kind of signal, the first observed
 * purchase and post-purchase share, and the latest read time of the most recently read
 * distinct notes. Times are "ticks": whole seconds since the run's start plus one, so 0
 * means never.
 *
 * Every field is a max, a min or a top-N of per-note maxima, so applying a set of events
 * gives the same memory in any order and applying one twice changes nothing. The AIPS
 * state is then *derived* at a snapshot time from these fields alone, which is what makes
 * out-of-order and duplicated delivery harmless.
 */
export class PairSignals {
  /**
   * After `stateAt`: the last tick at which the derived state still holds without new
   * signals (its window's end), or 0 when only a new signal can change it.
   */
  holdsUntil = 0;
  /**
   * One record per pair, interleaved so a pair's fields share a cache line: the latest
   * tick of any signal, engagement and strong signal, the first purchase and share, then
   * `distinctReadsForTI` read slots of (note id + 1, latest read tick); 0 = none.
   */
  private readonly mem: Uint32Array;
  private readonly stride: number;
  private readonly slots: number;
  /**
   * Pairs applied to since the last `drainChanged`, one bit each. A day touches a few
   * thousand scattered pairs; scanning the set's words visits them in pair order without
   * sorting a list of them (the sort was most of a drain).
   */
  private readonly changedBits: Uint32Array;

  constructor(
    readonly pairCount: number,
    private readonly o: AipsOptions,
  ) {
    this.slots = o.distinctReadsForTI;
    this.stride = READS + 2 * this.slots;
    this.mem = zeroed(Uint32Array, pairCount * this.stride);
    this.changedBits = pairBits(pairCount);
  }

  apply(pair: number, tick: number, flags: number, note: number): void {
    const m = this.mem;
    const at = pair * this.stride;
    if (tick > m[at + ANY]!) m[at + ANY] = tick;
    if (flags & Signal.engage && tick > m[at + ENGAGE]!) m[at + ENGAGE] = tick;
    if (flags & Signal.strong && tick > m[at + STRONG]!) m[at + STRONG] = tick;
    if (flags & Signal.read) this.read(at, note, tick);
    if (flags & Signal.purchase && (m[at + PURCHASE] === 0 || tick < m[at + PURCHASE]!)) m[at + PURCHASE] = tick;
    if (flags & Signal.share && (m[at + SHARE] === 0 || tick < m[at + SHARE]!)) m[at + SHARE] = tick;
    markPair(this.changedBits, pair);
  }

  /** Calls `visit` for every pair applied to since the last call, in pair order, then forgets them. */
  drainChanged(visit: (pair: number) => void): void {
    // Pair order walks the records forwards instead of jumping about.
    const bits = this.changedBits;
    for (let w = 0; w < bits.length; w++) {
      let word = bits[w]!;
      if (word === 0) continue;
      bits[w] = 0;
      while (word !== 0) {
        const lowest = word & -word;
        visit((w << 5) + 31 - Math.clz32(lowest));
        word ^= lowest;
      }
    }
  }

  /**
   * The pair's state at snapshot tick `at`, with the MET bit once it had a signal (0
   * before); sets `holdsUntil`. Every applied event must be earlier than `at`. P and S
   * never decay; TI needs a strong signal (or enough distinct reads) within the TI
   * window; I needs engagement within the interest decay; A needs any signal within the
   * awareness decay.
   */
  stateAt(pair: number, at: number): number {
    this.holdsUntil = 0;
    const m = this.mem;
    const base = pair * this.stride;
    const any = m[base + ANY]!;
    if (any === 0) return 0;
    if (m[base + PURCHASE] !== 0) return MET | (m[base + SHARE] !== 0 ? S : P);
    const strong = Math.max(m[base + STRONG]!, this.oldestRecentRead(base));
    if (strong !== 0 && strong >= at - this.o.tiWindowSeconds) return this.holds(TI, strong + this.o.tiWindowSeconds);
    const engage = m[base + ENGAGE]!;
    if (engage !== 0 && engage >= at - this.o.interestDecaySeconds) return this.holds(I, engage + this.o.interestDecaySeconds);
    if (any >= at - this.o.awarenessDecaySeconds) return this.holds(A, any + this.o.awarenessDecaySeconds);
    return MET | none;
  }

  private holds(state: number, until: number): number {
    this.holdsUntil = until;
    return MET | state;
  }

  /** Keeps the `slots` distinct notes with the latest reads (top-N of per-note latest read). */
  private read(base: number, note: number, tick: number): void {
    const m = this.mem;
    const key = note + 1;
    const first = base + READS;
    const end = first + 2 * this.slots;
    let oldest = first;
    for (let i = first; i < end; i += 2) {
      if (m[i] === key) {
        if (tick > m[i + 1]!) m[i + 1] = tick;
        return;
      }
      if (m[i + 1]! < m[oldest + 1]!) oldest = i;
    }
    if (tick > m[oldest + 1]!) {
      m[oldest] = key;
      m[oldest + 1] = tick;
    }
  }

  /** The oldest of the slots' reads: `slots` distinct notes were read since then (0 = fewer). */
  private oldestRecentRead(base: number): number {
    const m = this.mem;
    const first = base + READS;
    let oldest = m[first + 1]!;
    for (let i = first + 2; i < first + 2 * this.slots; i += 2) oldest = Math.min(oldest, m[i + 1]!);
    return oldest;
  }
}
