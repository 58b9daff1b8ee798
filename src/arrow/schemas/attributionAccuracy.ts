import type { ColumnSpec } from "../columns.js";

/** `attribution_accuracy.arrow`: each model against the simulator's truth, one row per touch channel. */
export const ATTRIBUTION_ACCURACY_SPECS: readonly ColumnSpec[] = [
  { name: "model", kind: { type: "utf8" }, description: "attribution model" },
  { name: "channel", kind: { type: "utf8" }, description: "touch channel" },
  { name: "creditShare", kind: { type: "float64" }, description: "channel's share of the conversions the model credited" },
  {
    name: "trueShare",
    kind: { type: "float64" },
    description: "channel's share of the true touch credit over all true purchases, observed or not (baseline demand left out)",
  },
  { name: "shareError", kind: { type: "float64" }, description: "|creditShare - trueShare|; its mean over a model's rows is channelShareMAE" },
  { name: "credited", kind: { type: "float64" }, description: "conversions the model credited to the channel" },
  { name: "trueCaused", kind: { type: "float64" }, description: "true purchases caused by a touch on the channel, observed or not" },
];
