import type { Scenario } from "../config/schema.js";
import { keyedUnit, streamSeed } from "../random/keyed.js";

/**
 * The ad holdout of a lift study (`experiment.adHoldoutShare`): which users see no ads.
 * A pure function of (seed, global user), so the simulator, which leaves their ad slots
 * empty, and the platform's lift engine, which knows its own assignment, agree at any shard
 * size or worker count.
 */
export class AdHoldout {
  readonly share: number;
  private readonly stream: number;

  constructor(s: Scenario) {
    this.share = s.experiment.adHoldoutShare;
    this.stream = streamSeed(s.seed, "experiment.adHoldout");
  }

  get active(): boolean {
    return this.share > 0;
  }

  heldOut(user: number): boolean {
    return this.share > 0 && keyedUnit(this.stream, user) < this.share;
  }

  /** Held-out flags of users `firstUser … firstUser + count − 1`, or null when there is no experiment. */
  flags(firstUser: number, count: number): Uint8Array | null {
    if (!this.active) return null;
    const flags = new Uint8Array(count);
    for (let u = 0; u < count; u++) flags[u] = this.heldOut(firstUser + u) ? 1 : 0;
    return flags;
  }
}
