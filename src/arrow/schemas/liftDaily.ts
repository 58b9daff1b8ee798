import type { ColumnSpec } from "../columns.js";

export const LIFT_BASES = ["observed", "all"] as const;

/**
 * `lift_daily.arrow` (a run with a lift study): the study as it would read at each day's end.
 * Two rows a day: over the purchases the platform had received by then (passback and alliance
 * matches arrive late, so a purchase counts from the day it arrived), and over every purchase
 * made by then (truth).
 */
export const LIFT_DAILY_SPECS: readonly ColumnSpec[] = [
  { name: "day", kind: { type: "uint32" }, description: "simulation day: the reading at its end" },
  { name: "basis", kind: { type: "enum", labels: LIFT_BASES }, description: "observed: purchases the platform had received by the day's end; all: every purchase made by then (truth)" },
  { name: "treatment_users", kind: { type: "uint32" }, description: "users who see ads" },
  { name: "control_users", kind: { type: "uint32" }, description: "users held out of every ad" },
  { name: "treatment_purchases", kind: { type: "uint32" }, description: "purchases of the treatment group so far" },
  { name: "control_purchases", kind: { type: "uint32" }, description: "purchases of the control group so far" },
  { name: "lift_per_user", kind: { type: "float64" }, description: "treatment − control purchases per user" },
  { name: "incremental_purchases", kind: { type: "float64" }, description: "lift_per_user × treatment_users: purchases the ads added among those who saw them" },
  { name: "incremental_low", kind: { type: "float64" }, description: "lower bound of its 95 % Welch interval (NaN with fewer than two users in a group)" },
  { name: "incremental_high", kind: { type: "float64" }, description: "upper bound of its 95 % Welch interval" },
];
