import type { Scenario } from "../config/schema.js";
import { AipsState } from "../events/enums.js";
import { DAY_MS } from "./kernel.js";

const { none, A, I, TI, P, S } = AipsState;

/**
 * The latent AIPS state of every (user, brand) pair in a shard: the truth the AIPS
 * engine is scored against. It moves on *true* events (including purchases the platform
 * never sees) and on a hidden conviction draw, so it is not a replay of any rule set an
 * engine could apply to observed signals.
 */
export class LatentAips {
  readonly state: Uint8Array;
  private readonly lastSignal: Float64Array;
  private readonly lastStrong: Float64Array;
  private readonly reads: Uint8Array;
  private readonly cfg: Scenario["aipsTruth"];

  constructor(
    pairCount: number,
    scenario: Scenario,
    private readonly brandCount: number,
  ) {
    this.cfg = scenario.aipsTruth;
    this.state = new Uint8Array(pairCount);
    this.lastSignal = new Float64Array(pairCount);
    this.lastStrong = new Float64Array(pairCount);
    this.reads = new Uint8Array(pairCount);
  }

  exposure(pair: number, t: number): void {
    if (this.state[pair] === none) this.state[pair] = A;
    this.lastSignal[pair] = t;
  }

  /** A light signal (read, like); enough reads of the brand make true interest. */
  light(pair: number, t: number): void {
    const s = this.state[pair]!;
    if (s < I) this.state[pair] = I;
    this.lastSignal[pair] = t;
    if (s <= TI && this.reads[pair]! < 255 && ++this.reads[pair]! >= this.cfg.readsForTrueInterest) {
      this.promoteToTrueInterest(pair, t);
    }
  }

  /** A strong signal; `convinced` is the hidden draw of whether it reflects real interest. */
  strong(pair: number, t: number, convinced: boolean): void {
    if (this.state[pair]! < I) this.state[pair] = I;
    this.lastSignal[pair] = t;
    if (convinced) this.promoteToTrueInterest(pair, t);
  }

  private promoteToTrueInterest(pair: number, t: number): void {
    if (this.state[pair]! < TI) this.state[pair] = TI;
    if (this.state[pair] === TI) this.lastStrong[pair] = t;
  }

  purchase(pair: number, t: number): void {
    if (this.state[pair]! < P) this.state[pair] = P;
    this.lastSignal[pair] = t;
  }

  postPurchaseShare(pair: number, t: number): void {
    this.state[pair] = S;
    this.lastSignal[pair] = t;
  }

  /** Applies decay as of `t` (end of a day) and adds state counts per brand into `counts[brand*6+state]`. */
  endOfDay(t: number, counts: Float64Array): void {
    const { tiWindowDays, interestDecayDays, awarenessDecayDays } = this.cfg;
    const tiCut = t - tiWindowDays * DAY_MS;
    const iCut = t - interestDecayDays * DAY_MS;
    const aCut = t - awarenessDecayDays * DAY_MS;
    const b = this.brandCount;
    const state = this.state;
    for (let pair = 0, brand = 0; pair < state.length; pair++, brand = brand + 1 === b ? 0 : brand + 1) {
      let s = state[pair]!;
      if (s === none) continue;
      if (s === TI && this.lastStrong[pair]! < tiCut) {
        s = I;
        this.reads[pair] = 0;
      }
      if (s === I && this.lastSignal[pair]! < iCut) s = A;
      if (s === A && this.lastSignal[pair]! < aCut) s = none;
      state[pair] = s;
      counts[brand * 6 + s]!++;
    }
  }
}
