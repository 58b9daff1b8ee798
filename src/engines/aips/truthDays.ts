import { AipsState } from "../../events/enums.js";
import { STATES } from "./partial.js";

/**
 * The scorer's view of the latent truth: a copy of every pair's true state at each day
 * end, kept for as long as the engine's snapshot of that day may wait for late events,
 * plus daily true state counts and true new-TI users per brand.
 */
export class TruthDays {
  readonly counts: Uint32Array[] = [];
  readonly newTi: Uint32Array[] = [];
  private readonly ring: Uint8Array[];
  /** 1 once the pair's latent state has left none at a day end. */
  private readonly met: Uint8Array;

  constructor(
    pairCount: number,
    private readonly brandCount: number,
    lagDays: number,
  ) {
    this.ring = Array.from({ length: lagDays + 1 }, () => new Uint8Array(pairCount));
    this.met = new Uint8Array(pairCount);
  }

  /** Records day `day` (days come in order from 0) from the latent state array. */
  record(day: number, latent: Uint8Array): void {
    const { brandCount, met } = this;
    const into = this.stateOn(day);
    // With no lag the previous day shares the slot: each pair is read before it is overwritten.
    const prev = day > 0 ? this.stateOn(day - 1) : null;
    const counts = new Uint32Array(brandCount * STATES);
    const newTi = new Uint32Array(brandCount);
    for (let pair = 0, brand = 0; pair < latent.length; pair++, brand = brand + 1 === brandCount ? 0 : brand + 1) {
      const s = latent[pair]!;
      const before = prev ? prev[pair]! : AipsState.none;
      into[pair] = s;
      if (s !== AipsState.none) met[pair] = 1;
      if (met[pair] === 1) counts[brand * STATES + s]!++;
      if (s === AipsState.TI && before < AipsState.TI) newTi[brand]!++;
    }
    this.counts.push(counts);
    this.newTi.push(newTi);
  }

  /** True states at the end of `day`; only the last `lagDays + 1` recorded days are kept. */
  stateOn(day: number): Uint8Array {
    return this.ring[day % this.ring.length]!;
  }
}
