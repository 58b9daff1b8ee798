import { pairBits } from "../../events/pairBits.js";
import { zeroed } from "../../events/zeroed.js";

/**
 * The scorer's copy of the latent truth: every pair's true state at each day end, and the
 * pairs whose state changed during that day, kept for as long as the engine's snapshot of
 * that day (and the day after it) may wait for late events. Inference never reads it.
 */
export class TruthRing {
  private readonly slots: Uint8Array[];
  private readonly changedSlots: Uint32Array[];
  private readonly before: Uint8Array;

  constructor(pairCount: number, lagDays: number) {
    // Day d's snapshot needs days d and d - 1, taken lagDays after day d ends.
    this.slots = Array.from({ length: lagDays + 2 }, () => zeroed(Uint8Array, pairCount));
    this.changedSlots = Array.from({ length: lagDays + 2 }, () => pairBits(pairCount));
    this.before = zeroed(Uint8Array, pairCount);
  }

  record(day: number, latent: Uint8Array, changed: Uint32Array): void {
    this.slots[day % this.slots.length]!.set(latent);
    this.changedSlots[day % this.slots.length]!.set(changed);
  }

  /** True states at the end of `day`; all none before day 0. */
  stateOn(day: number): Uint8Array {
    return day < 0 ? this.before : this.slots[day % this.slots.length]!;
  }

  /** Pairs whose true state may differ between the ends of `day - 1` and `day` (a superset); day ≥ 0. */
  changedOn(day: number): Uint32Array {
    return this.changedSlots[day % this.slots.length]!;
  }
}
