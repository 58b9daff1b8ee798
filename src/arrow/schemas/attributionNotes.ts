import type { ColumnSpec } from "../columns.js";

/** `attribution_notes.arrow`: credit carried down to the note each touch was on, for per-touch models. */
export const ATTRIBUTION_NOTE_SPECS: readonly ColumnSpec[] = [
  { name: "model", kind: { type: "utf8" }, description: "per-touch attribution model (position, time or click id)" },
  { name: "note", kind: { type: "uint32" }, description: "note id" },
  { name: "creator", kind: { type: "uint32" }, description: "creator of the note" },
  { name: "conversions", kind: { type: "float64" }, description: "conversions credited to touches on the note" },
  { name: "value", kind: { type: "float64" }, description: "conversion value credited, yuan" },
];
