import type { ColumnSpec } from "../columns.js";

/** `attribution.arrow`: each model's credit per channel over the observed journeys. */
export const ATTRIBUTION_SPECS: readonly ColumnSpec[] = [
  { name: "model", kind: { type: "utf8" }, description: "attribution model" },
  {
    name: "channel",
    kind: { type: "utf8" },
    description: "touch channel; 'unattributed' holds what the model could not credit (cid without a click in its window)",
  },
  { name: "conversions", kind: { type: "float64" }, description: "conversions credited; a model's rows sum to the journeys' conversions" },
  { name: "value", kind: { type: "float64" }, description: "conversion value credited, yuan" },
];
