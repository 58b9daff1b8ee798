import type { ColumnSpec } from "../columns.js";

/**
 * `aips_new_ti.arrow`: new True Interest users and what they cost. One row per (day,
 * brand) with at least one new TI user in the engine or in the truth; a missing (day,
 * brand) had none in either. The spend is the brand's daily rate in the simulated population
 * (its daily budget scaled from the platform's whole audience), the rate run.json's economics
 * multiplies by the days; the costs are NaN where there were no new TI users or no spend.
 */
export const AIPS_NEW_TI_SPECS: readonly ColumnSpec[] = [
  { name: "day", kind: { type: "uint32" }, description: "simulation day" },
  { name: "brand", kind: { type: "uint32" }, description: "brand id" },
  { name: "new_ti_users", kind: { type: "uint32" }, description: "users the engine moved from none, A or I into TI that day" },
  { name: "new_ti_users_truth", kind: { type: "uint32" }, description: "users whose latent state moved into TI that day" },
  { name: "ad_spend_yuan", kind: { type: "float64" }, description: "the brand's ad spend that day in the simulated population: its daily budget × users ÷ 300 M (0 without sponsored notes)" },
  { name: "cost_per_new_ti_yuan", kind: { type: "float64" }, description: "ad_spend_yuan / new_ti_users; NaN when either is 0" },
  { name: "true_cost_per_new_ti_yuan", kind: { type: "float64" }, description: "ad_spend_yuan / new_ti_users_truth; NaN when either is 0" },
];
