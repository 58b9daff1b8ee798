import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CHANNELS, Kind } from "../../../events/enums.js";
import { DAY_MS } from "../../../sim/kernel.js";
import { ArrowColumnFile } from "../arrowColumns.js";
import type { TruthPurchases } from "./truthPurchases.js";

const PART_FILE = /^part-\d+\.arrow$/;

/** `events/part-*.arrow` of a run directory, in part order; empty when the run wrote none. */
export function eventPartPaths(dir: string): string[] {
  const events = join(dir, "events");
  if (!existsSync(events)) return [];
  return readdirSync(events)
    .filter((f) => PART_FILE.test(f))
    .sort()
    .map((f) => join(events, f));
}

/**
 * True and observed purchases per day of purchase time, from events parts. A purchase is
 * observed when the platform saw it (duplicates are re-deliveries, not purchases). Only
 * the kind and duplicate columns are read whole; time and observed only at purchase rows.
 */
export function purchasesByDayFromEvents(parts: readonly string[], startMs: number, days: number): { truth: Float64Array; observed: Float64Array } {
  const truth = new Float64Array(days);
  const observed = new Float64Array(days);
  for (const path of parts) {
    const file = ArrowColumnFile.open(path);
    try {
      for (let b = 0; b < file.batchCount; b++) {
        const kind = file.column(b, "kind");
        const duplicate = file.column(b, "duplicate");
        const rows: number[] = [];
        for (let i = 0; i < kind.length; i++) if (kind[i] === Kind.purchase && duplicate[i] === 0) rows.push(i);
        if (rows.length === 0) continue;
        const time = file.valuesAt(b, "time", rows);
        const seen = file.valuesAt(b, "observed", rows);
        for (let i = 0; i < rows.length; i++) {
          const day = Math.floor((time[i]! - startMs) / DAY_MS);
          if (day < 0 || day >= days) continue;
          truth[day]!++;
          if (seen[i] !== 0) observed[day]!++;
        }
      }
    } finally {
      file.close();
    }
  }
  return { truth, observed };
}

/** True purchases per day and observable channel (link, shop, spillover), from the truth file. */
export function purchasesByDayAndChannel(p: TruthPurchases, startMs: number, days: number): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  for (let i = 0; i < p.rows; i++) {
    const day = Math.floor((p.time[i]! - startMs) / DAY_MS);
    if (day < 0 || day >= days) continue;
    const channel = CHANNELS[p.channel[i]!] ?? "unknown";
    let series = out.get(channel);
    if (!series) out.set(channel, (series = new Float64Array(days)));
    series[day]!++;
  }
  return out;
}
