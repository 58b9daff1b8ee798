import type { Scenario } from "../config/schema.js";
import type { World } from "../world/world.js";

/**
 * What the scenario's link policy lets users do. Observation (what the platform sees)
 * lives in the pipeline's observe operator; both read the same resolved policy.
 */
export interface LinkPolicy {
  readonly type: Scenario["policy"]["type"];
  /** Per brand: 1 when ad notes carry a Red Cat link area to the brand's Tmall store. */
  readonly redcatEligible: Uint8Array;
  /** CID passback window in days (0 when nothing is passed back). */
  readonly passbackWindowDays: number;
  readonly passbackDelayMedianHours: number;
  readonly duplicateRate: number;
}

export function resolveLinkPolicy(s: Scenario, world: World): LinkPolicy {
  const { brands, categories } = world;
  const eligible = new Uint8Array(brands.count);
  if (s.policy.type === "redcat") {
    const rc = s.policy.redcat;
    const allowed = new Set(rc.categories ?? categories.names.filter((_, i) => categories.redcatPilot[i] === 1));
    for (let b = 0; b < brands.count; b++) {
      eligible[b] =
        brands.hasTmall[b] === 1 &&
        brands.experienceScore[b]! >= rc.minExperienceScore &&
        brands.dailyAdBudgetYuan[b]! >= rc.minDailyBudgetYuan &&
        allowed.has(categories.names[brands.category[b]!]!)
          ? 1
          : 0;
    }
    return {
      type: "redcat",
      redcatEligible: eligible,
      passbackWindowDays: rc.windowDays,
      passbackDelayMedianHours: rc.passback.delayMedianHours,
      duplicateRate: rc.passback.duplicateRate,
    };
  }
  return { type: s.policy.type, redcatEligible: eligible, passbackWindowDays: 0, passbackDelayMedianHours: 0, duplicateRate: 0 };
}
