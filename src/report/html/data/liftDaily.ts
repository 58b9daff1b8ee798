import { existsSync } from "node:fs";
import { join } from "node:path";
import { LIFT_BASES } from "../../../arrow/schemas/liftDaily.js";
import { readColumns } from "../arrowColumns.js";

export interface LiftDay {
  readonly day: number;
  readonly basis: (typeof LIFT_BASES)[number];
  readonly incremental: number;
  readonly low: number;
  readonly high: number;
}

/** `lift_daily.arrow`'s readings, or null for a run without a lift study. */
export function readLiftDaily(dir: string): LiftDay[] | null {
  const path = join(dir, "lift_daily.arrow");
  if (!existsSync(path)) return null;
  const { columns: c, rows } = readColumns(path, ["day", "basis", "incremental_purchases", "incremental_low", "incremental_high"]);
  return Array.from({ length: rows }, (_, i) => ({
    day: c.day[i]!,
    basis: LIFT_BASES[c.basis[i]!]!,
    incremental: c.incremental_purchases[i]!,
    low: c.incremental_low[i]!,
    high: c.incremental_high[i]!,
  }));
}
