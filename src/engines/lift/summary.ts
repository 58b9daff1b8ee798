import { meanDifference, type Moments } from "../../compare/stats.js";
import { DAY_MS } from "../../sim/kernel.js";
import { AdHoldout } from "../../sim/holdout.js";
import type { EngineOutput, FinalizeContext } from "../engine.js";
import { CONTROL, dailyMoments, mergeLift, momentsAt, TREATMENT, type ByGroup, type DailyMoments, type LiftPartial } from "./partial.js";
import { writeLiftFiles } from "./writeOutputs.js";

/*
 * The lift study's main-thread half: its estimates, the truth's side and lift_daily.arrow.
 * Worker threads never load this module (the statistics packages and the Arrow writer it
 * brings; test/workerModules.test.ts).
 */

/** One comparison of the groups' purchases per user (treatment − control) and what it adds up to. */
export interface LiftEstimate {
  readonly treatmentPerUser: number;
  readonly controlPerUser: number;
  /** Purchases per user the ads added, with a 95 % Welch interval. */
  readonly liftPerUser: number;
  readonly liftPerUserLow: number;
  readonly liftPerUserHigh: number;
  /** The lift over the treatment group's users: purchases the ads added among those who saw them. */
  readonly incrementalPurchases: number;
  readonly incrementalLow: number;
  readonly incrementalHigh: number;
  /** Lift over the control group's rate (NaN when the control group bought nothing). */
  readonly relativeLift: number;
  /**
   * The smallest number of added purchases among the treatment group this study would tell
   * from nothing four times in five (80 % power, at the groups' sizes and spreads).
   */
  readonly minimumDetectablePurchases: number;
}

export interface LiftAccuracy {
  /** The study's design (compare leaves `settings` out of its metrics). */
  readonly settings: { readonly adHoldoutShare: number };
  readonly users: { readonly treatment: number; readonly control: number };
  /** The study as the platform can run it: over the purchases it observes. */
  readonly observed: LiftEstimate;
  /** The same study over every purchase, seen or not: what it would find if the platform saw all buying. */
  readonly allPurchases: LiftEstimate;
  /**
   * Observed incremental purchases ÷ those over all purchases: how much of the ads' lift the
   * platform can see. Null while the lift over all purchases is not told apart from nothing
   * (its interval holds 0), where a ratio would be noise over noise.
   */
  readonly visibleShareOfLift: number | null;
}

function estimate(treatment: Moments, control: Moments): LiftEstimate {
  const d = meanDifference(treatment, control);
  const controlPerUser = control.n > 0 ? control.sum / control.n : Number.NaN;
  return {
    treatmentPerUser: treatment.n > 0 ? treatment.sum / treatment.n : Number.NaN,
    controlPerUser,
    liftPerUser: d.mean,
    liftPerUserLow: d.low,
    liftPerUserHigh: d.high,
    incrementalPurchases: d.mean * treatment.n,
    incrementalLow: d.low * treatment.n,
    incrementalHigh: d.high * treatment.n,
    relativeLift: controlPerUser > 0 ? d.mean / controlPerUser : Number.NaN,
    minimumDetectablePurchases: d.minimumDetectable * treatment.n,
  };
}

/** Every purchase in the truth, as daily moments over the observed study's groups. */
function truePurchaseMoments(ctx: FinalizeContext, holdout: AdHoldout, users: ByGroup<number>): DailyMoments {
  const { user, time } = ctx.truth.purchases;
  const startMs = Date.parse(`${ctx.scenario.simulation.start}T00:00:00Z`);
  const purchases = user.map((u, i) => [u, Math.floor((time[i]! - startMs) / DAY_MS)] as const);
  return dailyMoments(ctx.scenario.simulation.days, users, purchases, (u) => (holdout.heldOut(u) ? CONTROL : TREATMENT));
}

export async function summariseLift(partials: readonly (LiftPartial | null)[], ctx: FinalizeContext): Promise<EngineOutput> {
  const holdout = new AdHoldout(ctx.scenario);
  const present = partials.filter((p): p is LiftPartial => p !== null);
  if (!holdout.active || present.length === 0) return { files: [], accuracy: undefined, warnings: [] };
  const { observed } = present.reduce(mergeLift);
  // Everything the platform got, however late, as the other engines count it.
  const last = ctx.scenario.simulation.days;
  const users = [momentsAt(observed, last, TREATMENT).n, momentsAt(observed, last, CONTROL).n] as const;
  const all = truePurchaseMoments(ctx, holdout, users);
  const seen = estimate(momentsAt(observed, last, TREATMENT), momentsAt(observed, last, CONTROL));
  const truth = estimate(momentsAt(all, last, TREATMENT), momentsAt(all, last, CONTROL));
  const accuracy: LiftAccuracy = {
    settings: { adHoldoutShare: holdout.share },
    users: { treatment: users[TREATMENT], control: users[CONTROL] },
    observed: seen,
    allPurchases: truth,
    visibleShareOfLift: truth.incrementalLow > 0 || truth.incrementalHigh < 0 ? seen.incrementalPurchases / truth.incrementalPurchases : null,
  };
  const warnings = users[CONTROL] < 2 || users[TREATMENT] < 2 ? [`lift: a group has fewer than two users (treatment ${users[TREATMENT]}, control ${users[CONTROL]}): no interval`] : [];
  const files = await writeLiftFiles(ctx.dir, ctx.identity, ctx.scenario.simulation.days, { observed, all });
  return { files, accuracy, warnings };
}
