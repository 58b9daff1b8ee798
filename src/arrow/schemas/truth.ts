import { AIPS_STATES, CHANNELS, KINDS, PLATFORMS } from "../../events/enums.js";
import type { ColumnSpec } from "../columns.js";

/** `truth_purchases.arrow`: one row per purchase with its true cause. */
export const TRUTH_PURCHASE_SPECS: readonly ColumnSpec[] = [
  { name: "id", kind: { type: "uint64" }, description: "purchase event id" },
  { name: "user", kind: { type: "uint32" }, description: "user id" },
  { name: "brand", kind: { type: "uint32" }, description: "brand id" },
  { name: "time", kind: { type: "timestamp" }, description: "purchase time (UTC)" },
  { name: "platform", kind: { type: "enum", labels: PLATFORMS }, description: "where it was bought" },
  { name: "channel", kind: { type: "enum", labels: CHANNELS }, description: "observable purchase channel: link, shop or spillover" },
  { name: "value", kind: { type: "float32" }, description: "order value in yuan" },
  { name: "clickId", kind: { type: "uint64" }, description: "CID the retailer tagged the order with; 0 = none" },
  { name: "clickTime", kind: { type: "timestamp" }, description: "time of the tagged click; epoch 0 when there is none" },
  { name: "cause", kind: { type: "uint64" }, description: "event id of the causing touch; 0 = baseline demand" },
  { name: "causeKind", kind: { type: "enum", labels: KINDS }, description: "kind of the causing touch (purchase = baseline)" },
  { name: "causeChannel", kind: { type: "enum", labels: CHANNELS }, description: "channel of the causing touch (baseline = not caused by the platform)" },
  { name: "causeTime", kind: { type: "timestamp" }, description: "time of the causing touch (baseline: the purchase time)" },
  {
    name: "creditTruncated",
    kind: { type: "uint8" },
    description: "1 when touches since the pair's previous purchase fell out of its 32-touch ring: their terms are missing from the credit shares (the cause's term is always kept)",
  },
  {
    name: "cycleStart",
    kind: { type: "timestamp" },
    description:
      "start of the purchase's decision cycle: the first of the run of reads, engagements, searches and clicks on the brand since the pair's previous purchase, none more than aipsTruth.tiWindowDays after the one before, that holds the causing touch (baseline demand: the run going on at the purchase); epoch 0 when there is none",
  },
];

/** `truth_credits.arrow`: each purchase's true credit split over its touches and baseline (shares sum to 1). */
export const TRUTH_CREDIT_SPECS: readonly ColumnSpec[] = [
  { name: "purchase", kind: { type: "uint64" }, description: "purchase event id" },
  { name: "touch", kind: { type: "uint64" }, description: "touch event id; 0 = baseline demand" },
  { name: "touchKind", kind: { type: "enum", labels: KINDS }, description: "kind of the touch (purchase = baseline)" },
  { name: "touchChannel", kind: { type: "enum", labels: CHANNELS }, description: "channel of the touch" },
  { name: "share", kind: { type: "float64" }, description: "the touch's share of the purchase intensity at purchase time" },
];

/** `aips_truth_daily.arrow`: latent AIPS state counts per brand at the end of each day. */
export const AIPS_TRUTH_DAILY_SPECS: readonly ColumnSpec[] = [
  { name: "day", kind: { type: "uint32" }, description: "simulation day (0 = start date)" },
  { name: "brand", kind: { type: "uint32" }, description: "brand id" },
  { name: "state", kind: { type: "enum", labels: AIPS_STATES }, description: "latent AIPS state" },
  {
    name: "users",
    kind: { type: "uint32" },
    description: "users in that state for the brand; none counts every user of the run not in another state, met or not (aips_daily's users_truth counts only users who have met the brand)",
  },
];
