import { CATEGORY_NAMES, type CategoryName } from "../config/categoryNames.js";
import type { Scenario } from "../config/schema.js";

/** Category table in CATEGORY_NAMES order, as columns for fast indexed access. */
export interface Categories {
  readonly names: readonly CategoryName[];
  readonly share: Float64Array;
  readonly ctr: Float64Array;
  readonly touchToPurchaseDays: Float64Array;
  readonly priceYuan: Float64Array;
  readonly redcatPilot: Uint8Array;
}

export function buildCategories(s: Scenario): Categories {
  const n = CATEGORY_NAMES.length;
  const c: Categories = {
    names: CATEGORY_NAMES,
    share: new Float64Array(n),
    ctr: new Float64Array(n),
    touchToPurchaseDays: new Float64Array(n),
    priceYuan: new Float64Array(n),
    redcatPilot: new Uint8Array(n),
  };
  CATEGORY_NAMES.forEach((name, i) => {
    const cat = s.categories[name];
    c.share[i] = cat.share;
    c.ctr[i] = cat.ctr;
    c.touchToPurchaseDays[i] = cat.touchToPurchaseDays;
    c.priceYuan[i] = cat.priceYuan;
    c.redcatPilot[i] = cat.redcatPilot ? 1 : 0;
  });
  return c;
}
