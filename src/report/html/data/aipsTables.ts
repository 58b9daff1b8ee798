import { existsSync } from "node:fs";
import { join } from "node:path";
import { AIPS_STATES } from "../../../events/enums.js";
import { readColumns } from "../arrowColumns.js";

const STATES = AIPS_STATES.length;

/** Engine users moved between AIPS states over the whole run, summed over days and brands: [from * STATES + to]. */
export function readAipsFlows(dir: string): Float64Array | null {
  const path = join(dir, "aips_flows.arrow");
  if (!existsSync(path)) return null;
  const { columns: c, rows } = readColumns(path, ["from_state", "to_state", "users"]);
  const moved = new Float64Array(STATES * STATES);
  for (let i = 0; i < rows; i++) moved[c.from_state[i]! * STATES + c.to_state[i]!]! += c.users[i]!;
  return moved;
}

/** Users per AIPS state at each day's end, summed over brands: [day * STATES + state], engine and truth. */
export function readAipsDaily(dir: string): { days: number; engine: Float64Array; truth: Float64Array } | null {
  const path = join(dir, "aips_daily.arrow");
  if (!existsSync(path)) return null;
  const { columns: c, rows } = readColumns(path, ["day", "state", "users_engine", "users_truth"]);
  let days = 0;
  for (let i = 0; i < rows; i++) days = Math.max(days, c.day[i]! + 1);
  const engine = new Float64Array(days * STATES);
  const truth = new Float64Array(days * STATES);
  for (let i = 0; i < rows; i++) {
    const cell = c.day[i]! * STATES + c.state[i]!;
    engine[cell]! += c.users_engine[i]!;
    truth[cell]! += c.users_truth[i]!;
  }
  return { days, engine, truth };
}
