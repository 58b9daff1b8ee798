import { existsSync } from "node:fs";
import { join } from "node:path";
import { readColumns, type ColumnArray } from "../arrowColumns.js";

/** The columns of truth_purchases.arrow the report uses (times in ms since epoch). */
export interface TruthPurchases {
  readonly rows: number;
  readonly time: ColumnArray;
  /** Observable purchase channel code (CHANNELS). */
  readonly channel: ColumnArray;
  /** Epoch 0 when no click was tagged. */
  readonly clickTime: ColumnArray;
  /** 0 for baseline demand. */
  readonly cause: ColumnArray;
  readonly causeTime: ColumnArray;
  /** Where the purchase's decision cycle started; epoch 0 when there is none (baseline demand with no cycle going on). */
  readonly cycleStart: ColumnArray;
}

export function readTruthPurchases(dir: string): TruthPurchases | null {
  const path = join(dir, "truth_purchases.arrow");
  if (!existsSync(path)) return null;
  const { columns, rows } = readColumns(path, ["time", "channel", "clickTime", "cause", "causeTime", "cycleStart"]);
  return { rows, ...columns };
}
