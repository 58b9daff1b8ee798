import type { Engine } from "../engine.js";
import { AdHoldout } from "../../sim/holdout.js";
import { mergeLift, type LiftPartial } from "./partial.js";
import { LiftShardEngine } from "./shardEngine.js";

export type { LiftAccuracy, LiftEstimate } from "./summary.js";

/**
 * The conversion lift study (`experiment.adHoldoutShare`): users held out of every ad against
 * those who see them, over the purchases the platform observes and over all purchases. Runs
 * only when the scenario holds users out; run.json then has `accuracy.lift`.
 */
export const liftEngine: Engine<LiftPartial | null> = {
  name: "lift",
  createShardEngine(ctx) {
    if (!new AdHoldout(ctx.scenario).active) return { consume() {}, finish: () => null };
    return new LiftShardEngine(ctx);
  },
  merge: (running, next) => (running && next ? mergeLift(running, next) : (running ?? next)),
  // Loaded on the main thread only, when the run's results are put together.
  finalize: async (partials, ctx) => (await import("./summary.js")).summariseLift(partials, ctx),
};
