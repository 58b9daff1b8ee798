import { AIPS_STATES } from "../../events/enums.js";
import { CATEGORY_NAMES } from "../../config/categoryNames.js";
import type { ColumnSpec } from "../columns.js";

/** Scope labels: every category together, then each category. */
export const AIPS_ACCURACY_SCOPES = ["all", ...CATEGORY_NAMES] as const;

/**
 * `aips_accuracy.arrow`: confusion of engine against latent AIPS state in pair-days, for
 * all brands and per brand category (full 6 × 6 matrix per scope, zeros included).
 */
export const AIPS_ACCURACY_SPECS: readonly ColumnSpec[] = [
  { name: "scope", kind: { type: "enum", labels: AIPS_ACCURACY_SCOPES }, description: "all, or the brand category" },
  { name: "truth_state", kind: { type: "enum", labels: AIPS_STATES }, description: "latent state" },
  { name: "engine_state", kind: { type: "enum", labels: AIPS_STATES }, description: "engine state" },
  {
    name: "pair_days",
    kind: { type: "uint64" },
    description: "(user, brand) day-end snapshots with these states; those where both are none are not counted",
  },
];
