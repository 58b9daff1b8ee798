import { AIPS_STATES } from "../../events/enums.js";
import type { ColumnSpec } from "../columns.js";

/** `aips_daily.arrow`: AIPS state counts per brand at each day's end, engine beside truth. */
export const AIPS_DAILY_SPECS: readonly ColumnSpec[] = [
  { name: "day", kind: { type: "uint32" }, description: "simulation day (0 = start date)" },
  { name: "brand", kind: { type: "uint32" }, description: "brand id (one SPU per brand)" },
  { name: "state", kind: { type: "enum", labels: AIPS_STATES }, description: "AIPS state; none = met the brand and decayed out of every state" },
  { name: "users_engine", kind: { type: "uint32" }, description: "users the engine places in the state from observed signals" },
  { name: "users_truth", kind: { type: "uint32" }, description: "users whose latent (true) state it is" },
];
