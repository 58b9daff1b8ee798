import { AIPS_STATES } from "../../events/enums.js";
import type { ColumnSpec } from "../columns.js";

/** `aips_flows.arrow`: engine state changes between consecutive day snapshots (non-zero only). */
export const AIPS_FLOWS_SPECS: readonly ColumnSpec[] = [
  { name: "day", kind: { type: "uint32" }, description: "day whose snapshot the users moved into (day 0 starts from none)" },
  { name: "brand", kind: { type: "uint32" }, description: "brand id" },
  { name: "from_state", kind: { type: "enum", labels: AIPS_STATES }, description: "engine state at the previous day's end (none includes users not met yet)" },
  { name: "to_state", kind: { type: "enum", labels: AIPS_STATES }, description: "engine state at this day's end" },
  { name: "users", kind: { type: "uint32" }, description: "users that moved" },
];
