import { paddedBytes } from "./wordScan.js";

/**
 * The scorer's copy of the latent truth: every pair's true state at each day end, kept
 * for as long as the engine's snapshot of that day (and the day after it) may wait for
 * late events. Inference never reads it.
 */
export class TruthRing {
  private readonly slots: Uint8Array[];
  private readonly before: Uint8Array;

  constructor(pairCount: number, lagDays: number) {
    // Day d's snapshot needs days d and d - 1, taken lagDays after day d ends.
    this.slots = Array.from({ length: lagDays + 2 }, () => paddedBytes(pairCount));
    this.before = paddedBytes(pairCount);
  }

  record(day: number, latent: Uint8Array): void {
    this.slots[day % this.slots.length]!.set(latent);
  }

  /** True states at the end of `day`; all none before day 0. */
  stateOn(day: number): Uint8Array {
    return day < 0 ? this.before : this.slots[day % this.slots.length]!;
  }
}
