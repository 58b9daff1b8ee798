import type { Scenario } from "../config/schema.js";
import { DueDays, NOT_DUE } from "../events/dueDays.js";
import { AipsState, NONE } from "../events/enums.js";
import { markPair, pairBits } from "../events/pairBits.js";
import { zeroed } from "../events/zeroed.js";
import { DAY_MS } from "./kernel.js";

const { none, A, I, TI, P, S } = AipsState;
const STATES = 6;

/**
 * The latent AIPS state of every (user, brand) pair in a shard: the truth the AIPS
 * engine is scored against. It moves on *true* events (including purchases the platform
 * never sees) and on a hidden conviction draw, so it is not a replay of any rule set an
 * engine could apply to observed signals.
 *
 * Counts per (brand, state) are kept incrementally, and decay is checked only for pairs
 * whose earliest possible decay falls on the day being closed (see DueDays), so closing a
 * day costs about the pairs that may change, not every pair of the shard.
 */
export class LatentAips {
  readonly state: Uint8Array;
  /** Pairs whose state changed since `beginDay` (a superset is harmless: readers compare states). */
  readonly changedToday: Uint32Array;
  /** Latest signal of any kind, exposures included: awareness lasts from it. */
  private readonly lastSignal: Float64Array;
  /** Latest engagement (a light or strong signal, not a mere exposure): interest lasts from it. */
  private readonly lastEngage: Float64Array;
  private readonly lastStrong: Float64Array;
  /**
   * Per pair, `readsForTrueInterest` slots of (note read + 1, its latest read time), the
   * most recently read distinct notes; note 0 = empty slot. Interleaved in one array so a
   * pair's slots share a cache line or two (notes are exact in a double).
   */
  private readonly reads: Float64Array;
  private readonly readSlots: number;
  private readonly cfg: Scenario["aipsTruth"];
  private readonly startMs: number;
  /** Users per (brand, state) right now. */
  private readonly counts: Float64Array;
  /** Day whose end must re-check the pair (NOT_DUE: none scheduled). */
  private readonly checkDays: DueDays;

  constructor(
    pairCount: number,
    scenario: Scenario,
    private readonly brandCount: number,
  ) {
    this.cfg = scenario.aipsTruth;
    this.startMs = Date.parse(`${scenario.simulation.start}T00:00:00Z`);
    this.state = zeroed(Uint8Array, pairCount);
    this.changedToday = pairBits(pairCount);
    this.lastSignal = zeroed(Float64Array, pairCount);
    this.lastEngage = zeroed(Float64Array, pairCount);
    this.lastStrong = zeroed(Float64Array, pairCount);
    this.readSlots = this.cfg.readsForTrueInterest;
    this.reads = zeroed(Float64Array, 2 * pairCount * this.readSlots);
    this.checkDays = new DueDays(pairCount);
    this.counts = new Float64Array(brandCount * STATES);
    for (let b = 0; b < brandCount; b++) this.counts[b * STATES + none] = pairCount / brandCount;
  }

  /** A new day: forgets which pairs changed before it. */
  beginDay(): void {
    this.changedToday.fill(0);
  }

  exposure(pair: number, t: number): void {
    if (this.state[pair] === none) this.set(pair, A);
    this.signalAt(pair, t);
    this.scheduleBy(pair, t + this.cfg.awarenessDecayDays * DAY_MS);
  }

  /** A light signal (a short read, a like, a comment); `readNote` is the note read, NONE when it is no read. */
  light(pair: number, t: number, readNote: number): void {
    if (this.state[pair]! < I) this.set(pair, I);
    this.engageAt(pair, t);
    this.scheduleBy(pair, t + this.cfg.interestDecayDays * DAY_MS);
    if (readNote !== NONE) this.countRead(pair, t, readNote);
  }

  /**
   * A strong signal; `convinced` is the hidden draw of whether it reflects real interest. A
   * long read that does not convince still counts as one of the reads that make true interest.
   */
  strong(pair: number, t: number, convinced: boolean, readNote: number): void {
    if (this.state[pair]! < I) this.set(pair, I);
    this.engageAt(pair, t);
    this.scheduleBy(pair, t + this.cfg.interestDecayDays * DAY_MS);
    if (convinced) this.promoteToTrueInterest(pair, t);
    else if (readNote !== NONE) this.countRead(pair, t, readNote);
  }

  /**
   * DOMAIN: true interest includes reading several notes on the brand within its 30 days;
   * likes and comments are not reads. Reads of `readsForTrueInterest` distinct notes, all
   * within tiWindowDays, make it, and it lasts a window from the earliest of them.
   */
  private countRead(pair: number, t: number, note: number): void {
    if (this.state[pair]! > TI) return;
    const r = this.reads;
    const base = 2 * pair * this.readSlots;
    const end = base + 2 * this.readSlots;
    // The note's slot if it has one, else the slot of the note read longest ago (or an empty one).
    let slot = base;
    for (let i = base; i < end; i += 2) {
      if (r[i] === note + 1) {
        slot = i;
        break;
      }
      if (r[i + 1]! < r[slot + 1]!) slot = i;
    }
    r[slot] = note + 1;
    r[slot + 1] = t;
    let earliest = t;
    for (let i = base; i < end; i += 2) {
      if (r[i] === 0) return;
      if (r[i + 1]! < earliest) earliest = r[i + 1]!;
    }
    if (earliest >= t - this.cfg.tiWindowDays * DAY_MS) this.promoteToTrueInterest(pair, earliest);
  }

  private promoteToTrueInterest(pair: number, t: number): void {
    if (this.state[pair]! < TI) this.set(pair, TI);
    if (this.state[pair] === TI) {
      if (t > this.lastStrong[pair]!) this.lastStrong[pair] = t;
      this.scheduleBy(pair, t + this.cfg.tiWindowDays * DAY_MS);
    }
  }

  purchase(pair: number, t: number): void {
    if (this.state[pair]! < P) this.set(pair, P);
    this.signalAt(pair, t);
  }

  postPurchaseShare(pair: number, t: number): void {
    this.set(pair, S);
    this.signalAt(pair, t);
  }

  /** A user's signals come in time order (test/simTimeOrder.test.ts); the max only keeps that a fact here. */
  private signalAt(pair: number, t: number): void {
    if (t > this.lastSignal[pair]!) this.lastSignal[pair] = t;
  }

  /** An engagement is a signal too; exposures are signals only (DOMAIN: interest is light engagement). */
  private engageAt(pair: number, t: number): void {
    this.signalAt(pair, t);
    if (t > this.lastEngage[pair]!) this.lastEngage[pair] = t;
  }

  /**
   * Closes day `day` (its end is `t`): applies every decay due by then and adds the
   * state counts per brand into `out[brand * 6 + state]`.
   */
  endOfDay(day: number, t: number, out: Float64Array): void {
    this.checkDays.take(day, (pair) => this.decay(pair, t));
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + this.counts[i]!;
  }

  private decay(pair: number, t: number): void {
    this.checkDays.clear(pair);
    const { tiWindowDays, interestDecayDays, awarenessDecayDays } = this.cfg;
    let s = this.state[pair]!;
    if (s === TI && this.lastStrong[pair]! < t - tiWindowDays * DAY_MS) s = I;
    if (s === I && this.lastEngage[pair]! < t - interestDecayDays * DAY_MS) s = A;
    if (s === A && this.lastSignal[pair]! < t - awarenessDecayDays * DAY_MS) s = none;
    this.set(pair, s);
    // Purchase states do not decay; the others wait for their next possible decay.
    if (s === TI) this.scheduleBy(pair, this.lastStrong[pair]! + tiWindowDays * DAY_MS);
    else if (s === I) this.scheduleBy(pair, this.lastEngage[pair]! + interestDecayDays * DAY_MS);
    else if (s === A) this.scheduleBy(pair, this.lastSignal[pair]! + awarenessDecayDays * DAY_MS);
  }

  private set(pair: number, s: number): void {
    const old = this.state[pair]!;
    if (old === s) return;
    const base = (pair % this.brandCount) * STATES;
    this.counts[base + old]!--;
    this.counts[base + s]!++;
    this.state[pair] = s;
    markPair(this.changedToday, pair);
  }

  /** Makes sure the pair is checked at the end of the day in which `dueMs` falls, or earlier. */
  private scheduleBy(pair: number, dueMs: number): void {
    const day = Math.floor((dueMs - this.startMs) / DAY_MS);
    const current = this.checkDays.dayOf(pair);
    if (current !== NOT_DUE && current <= day) return;
    this.checkDays.set(pair, day);
  }
}
