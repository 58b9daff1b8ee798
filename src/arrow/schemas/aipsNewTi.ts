import type { ColumnSpec } from "../columns.js";

/**
 * `aips_new_ti.arrow`: new True Interest users and what they cost. One row per (day,
 * brand) with at least one new TI user in the engine or in the truth; a missing (day,
 * brand) had none in either. The cost is NaN where the engine found none.
 */
export const AIPS_NEW_TI_SPECS: readonly ColumnSpec[] = [
  { name: "day", kind: { type: "uint32" }, description: "simulation day" },
  { name: "brand", kind: { type: "uint32" }, description: "brand id" },
  { name: "new_ti_users", kind: { type: "uint32" }, description: "users the engine moved from none, A or I into TI that day" },
  { name: "new_ti_users_truth", kind: { type: "uint32" }, description: "users whose latent state moved into TI that day" },
  { name: "ad_budget_yuan", kind: { type: "float64" }, description: "the brand's daily ad budget" },
  { name: "cost_per_new_ti_yuan", kind: { type: "float64" }, description: "ad_budget_yuan / new_ti_users; NaN when new_ti_users is 0" },
];
