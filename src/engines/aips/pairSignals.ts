import { AipsState } from "../../events/enums.js";
import type { AipsOptions } from "./options.js";
import { Signal } from "./signals.js";
import { paddedBytes, wordsOf } from "./wordScan.js";

const { none, A, I, TI, P, S } = AipsState;

/** Bit set on a derived state when the pair has had at least one observed signal. */
export const MET = 8;
/** Mask of the state code in a derived state. */
export const STATE = 7;

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
  /** 1 once the pair has had a signal, in words for skipping untouched pairs. */
  private readonly met: Uint8Array;
  private readonly metWords: Uint32Array;
  private readonly lastAny: Uint32Array;
  private readonly lastEngage: Uint32Array;
  private readonly lastStrong: Uint32Array;
  private readonly firstPurchase: Uint32Array;
  private readonly firstShare: Uint32Array;
  /** `distinctReadsForTI` slots per pair: note id + 1 (0 = empty) and its latest read tick. */
  private readonly readNote: Uint32Array;
  private readonly readTick: Uint32Array;
  private readonly slots: number;

  constructor(
    readonly pairCount: number,
    private readonly o: AipsOptions,
  ) {
    this.slots = o.distinctReadsForTI;
    this.met = paddedBytes(pairCount);
    this.metWords = wordsOf(this.met);
    this.lastAny = new Uint32Array(pairCount);
    this.lastEngage = new Uint32Array(pairCount);
    this.lastStrong = new Uint32Array(pairCount);
    this.firstPurchase = new Uint32Array(pairCount);
    this.firstShare = new Uint32Array(pairCount);
    this.readNote = new Uint32Array(pairCount * this.slots);
    this.readTick = new Uint32Array(pairCount * this.slots);
  }

  apply(pair: number, tick: number, flags: number, note: number): void {
    this.met[pair] = 1;
    if (tick > this.lastAny[pair]!) this.lastAny[pair] = tick;
    if (flags & Signal.engage && tick > this.lastEngage[pair]!) this.lastEngage[pair] = tick;
    if (flags & Signal.strong && tick > this.lastStrong[pair]!) this.lastStrong[pair] = tick;
    if (flags & Signal.read) this.read(pair, note, tick);
    if (flags & Signal.purchase) minInto(this.firstPurchase, pair, tick);
    if (flags & Signal.share) minInto(this.firstShare, pair, tick);
  }

  /**
   * The state of every pair at snapshot tick `at`, written into `out` with the MET bit
   * on pairs that had a signal; `out` is the previous snapshot's array (untouched pairs
   * stay 0). Every applied event must be earlier than `at`. P and S never decay; TI needs a strong signal (or
   * enough distinct reads) within the TI window; I needs engagement within the interest
   * decay; A needs any signal within the awareness decay.
   */
  deriveAll(at: number, out: Uint8Array): void {
    // Cut-offs of at least 1 make "never" (0) fail every test.
    const tiCut = Math.max(1, at - this.o.tiWindowSeconds);
    const iCut = Math.max(1, at - this.o.interestDecaySeconds);
    const aCut = Math.max(1, at - this.o.awarenessDecaySeconds);
    for (let w = 0; w < this.metWords.length; w++) {
      if (this.metWords[w] === 0) continue;
      for (let pair = w << 2; pair < (w << 2) + 4; pair++) {
        if (this.met[pair] === 0) continue;
        if (this.firstPurchase[pair] !== 0) out[pair] = MET | (this.firstShare[pair] !== 0 ? S : P);
        else if (this.lastStrong[pair]! >= tiCut || this.readsSince(pair, tiCut)) out[pair] = MET | TI;
        else if (this.lastEngage[pair]! >= iCut) out[pair] = MET | I;
        else out[pair] = MET | (this.lastAny[pair]! >= aCut ? A : none);
      }
    }
  }

  /** Keeps the `slots` distinct notes with the latest reads (top-N of per-note latest read). */
  private read(pair: number, note: number, tick: number): void {
    const key = note + 1;
    const base = pair * this.slots;
    let oldest = base;
    for (let i = base; i < base + this.slots; i++) {
      if (this.readNote[i] === key) {
        if (tick > this.readTick[i]!) this.readTick[i] = tick;
        return;
      }
      if (this.readTick[i]! < this.readTick[oldest]!) oldest = i;
    }
    if (tick > this.readTick[oldest]!) {
      this.readNote[oldest] = key;
      this.readTick[oldest] = tick;
    }
  }

  /** All slots hold reads at or after `cut`: that many distinct notes were read since. */
  private readsSince(pair: number, cut: number): boolean {
    const base = pair * this.slots;
    for (let i = base; i < base + this.slots; i++) if (this.readTick[i]! < cut) return false;
    return true;
  }
}

function minInto(a: Uint32Array, i: number, tick: number): void {
  if (a[i] === 0 || tick < a[i]!) a[i] = tick;
}
