import { AIPS_STATES, type KindName } from "../../src/events/enums.js";
import type { World } from "../../src/world/world.js";
import type { Ev } from "./helpers.js";

/** The AIPS rules as written in the domain notes, evaluated directly over every event. */
export interface Rules {
  readonly tiWindowDays: number;
  readonly interestDecayDays: number;
  readonly awarenessDecayDays: number;
  readonly distinctReadsForTI: number;
  readonly imageDwellSeconds: number;
  readonly videoCompletion: number;
}

const EXPOSURE: readonly KindName[] = ["impression", "ad_impression"];
const LIGHT: readonly KindName[] = ["read", "like", "comment", "follow", "ad_click"];
const STRONG: readonly KindName[] = [
  "collect",
  "ask_for_link",
  "share",
  "search",
  "link_click",
  "blue_link_click",
  "store_visit",
  "retail_search",
  "add_to_cart",
  "post_purchase_share",
];

/** State counts per brand (`[brand * 6 + state]`) at the end of `day`, over users who had a signal. */
export function oracleCounts(events: readonly Ev[], day: number, brandCount: number, world: World, r: Rules): Uint32Array {
  const end = (day + 1) * 24 * 60;
  const byPair = new Map<string, Ev[]>();
  for (const e of events) {
    if (minute(e) >= end) continue;
    const key = `${e.user ?? 0}:${e.brand ?? 0}`;
    byPair.set(key, [...(byPair.get(key) ?? []), e]);
  }
  const counts = new Uint32Array(brandCount * AIPS_STATES.length);
  for (const [key, list] of byPair) {
    const brand = Number(key.split(":")[1]);
    counts[brand * AIPS_STATES.length + AIPS_STATES.indexOf(stateOf(list, end, world, r))]!++;
  }
  return counts;
}

function stateOf(list: readonly Ev[], end: number, world: World, r: Rules): (typeof AIPS_STATES)[number] {
  const since = (days: number) => list.filter((e) => minute(e) >= end - days * 24 * 60);
  if (list.some((e) => e.kind === "purchase")) return list.some((e) => e.kind === "post_purchase_share") ? "S" : "P";
  const recent = since(r.tiWindowDays);
  const distinctReads = new Set(recent.filter((e) => e.kind === "read").map((e) => e.note)).size;
  if (recent.some((e) => isStrong(e, world, r)) || distinctReads >= r.distinctReadsForTI) return "TI";
  if (since(r.interestDecayDays).some((e) => LIGHT.includes(e.kind) || STRONG.includes(e.kind))) return "I";
  if (since(r.awarenessDecayDays).some((e) => EXPOSURE.includes(e.kind) || LIGHT.includes(e.kind) || STRONG.includes(e.kind) || e.kind === "purchase")) return "A";
  return "none";
}

function isStrong(e: Ev, world: World, r: Rules): boolean {
  if (STRONG.includes(e.kind)) return true;
  if (e.kind !== "read" || e.note === undefined) return false;
  return world.notes.isVideo[e.note] === 1 ? (e.dwell ?? 0) >= r.videoCompletion : (e.dwell ?? 0) >= r.imageDwellSeconds;
}

function minute(e: Ev): number {
  return Math.round(e.hour * 60);
}
