import { CATEGORY_NAMES } from "../../config/categoryNames.js";
import type { ColumnSpec } from "../columns.js";

/** `brands.arrow`: one row per brand (each sells one SPU). */
export const BRAND_SPECS: readonly ColumnSpec[] = [
  { name: "brand", kind: { type: "uint32" }, description: "brand id" },
  { name: "name", kind: { type: "utf8" }, description: "display name (faker)" },
  { name: "category", kind: { type: "enum", labels: CATEGORY_NAMES }, description: "product category" },
  { name: "hasTmall", kind: { type: "uint8" }, description: "1 if the brand runs a Tmall store" },
  { name: "hasJd", kind: { type: "uint8" }, description: "1 if the brand runs a JD store" },
  { name: "hasRedShop", kind: { type: "uint8" }, description: "1 if the brand runs a shop on the platform" },
  { name: "experienceScore", kind: { type: "float32" }, description: "store experience score" },
  { name: "dailyAdBudgetYuan", kind: { type: "float32" }, description: "daily ad budget in yuan" },
  { name: "priceYuan", kind: { type: "float32" }, description: "order value of the brand's SPU" },
  { name: "redcatEligible", kind: { type: "uint8" }, description: "1 if eligible for Red Cat (ad link areas to its Tmall store) in any policy regime of the run" },
  { name: "redjdEligible", kind: { type: "uint8" }, description: "1 if eligible for Red JD (ad link areas to its JD store) in any policy regime of the run" },
];

/** `creators.arrow`: one row per creator. */
export const CREATOR_SPECS: readonly ColumnSpec[] = [
  { name: "creator", kind: { type: "uint32" }, description: "creator id" },
  { name: "name", kind: { type: "utf8" }, description: "display name (faker)" },
  { name: "handle", kind: { type: "utf8" }, description: "handle (faker)" },
  { name: "followers", kind: { type: "uint32" }, description: "follower count" },
  { name: "trafficWeight", kind: { type: "float64" }, description: "share of feed traffic the creator's notes draw" },
];

/** `notes.arrow`: one row per note. */
export const NOTE_SPECS: readonly ColumnSpec[] = [
  { name: "note", kind: { type: "uint32" }, description: "note id" },
  { name: "creator", kind: { type: "uint32" }, description: "creator id" },
  { name: "brand", kind: { type: "uint32" }, description: "brand id" },
  { name: "isVideo", kind: { type: "uint8" }, description: "1 for a video note, 0 for an image note" },
  { name: "sponsored", kind: { type: "uint8" }, description: "1 for a sponsored (ad) note" },
  { name: "trafficWeight", kind: { type: "float64" }, description: "relative feed traffic" },
];
