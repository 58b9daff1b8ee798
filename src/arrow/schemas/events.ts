import { EVENT_COLUMN_NAMES, type EventColumnName } from "../../events/batch.js";
import { CHANNELS, KINDS, PLATFORMS } from "../../events/enums.js";
import type { ColumnSpec } from "../columns.js";

/** `events/part-NNNNN.arrow`: every true event of a shard, observation and truth columns included. */
const SPECS: Record<EventColumnName, ColumnSpec["kind"] & object> = {
  id: { type: "uint64" },
  time: { type: "timestamp" },
  arrival: { type: "timestamp" },
  kind: { type: "enum", labels: KINDS },
  user: { type: "uint32" },
  note: { type: "uint32" },
  brand: { type: "uint32" },
  creator: { type: "uint32" },
  channel: { type: "enum", labels: CHANNELS },
  platform: { type: "enum", labels: PLATFORMS },
  clickId: { type: "uint64" },
  dwell: { type: "float32" },
  value: { type: "float32" },
  observed: { type: "uint8" },
  duplicate: { type: "uint8" },
  cause: { type: "uint64" },
};

const DESCRIPTIONS: Record<EventColumnName, string> = {
  id: "event id = shard * 2^32 + sequence; a duplicate repeats its original's id",
  time: "event time (UTC)",
  arrival: "when the platform receives the event (>= time)",
  kind: "event kind",
  user: "user id",
  note: "note id; 4294967295 = none",
  brand: "brand id; 4294967295 = none",
  creator: "creator id; 4294967295 = none",
  channel: "observable channel of the event",
  platform: "where the event happened",
  clickId: "id of the ad/link click this event descends from; 0 = none",
  dwell: "reads: image dwell seconds or video completion fraction",
  value: "purchases: order value in yuan",
  observed: "0 unseen; 1 seen by the platform as it happened (on the platform, or passed back under Red Cat); 2 matched by a data alliance: seen that the user bought, not its click id or route",
  duplicate: "1 for a re-delivered copy",
  cause: "TRUTH: id of the touch that caused this purchase, or that planted the purchase this retailer search comes from; 0 = baseline or neither",
};

export const EVENT_SPECS: readonly ColumnSpec[] = EVENT_COLUMN_NAMES.map((name) => ({
  name,
  kind: SPECS[name],
  description: DESCRIPTIONS[name],
}));
