import { join } from "node:path";
import { makeSchema, type RunIdentity } from "../../arrow/columns.js";
import { writeArrowFile, type WrittenFile } from "../../arrow/fileSink.js";
import { LIFT_BASES, LIFT_DAILY_SPECS } from "../../arrow/schemas/liftDaily.js";
import { meanDifference } from "../../compare/stats.js";
import { CONTROL, momentsAt, TREATMENT, type DailyMoments } from "./partial.js";

/** Writes `lift_daily.arrow`: each day's reading of the study, over observed and over all purchases. */
export async function writeLiftFiles(dir: string, identity: RunIdentity, days: number, byBasis: Record<(typeof LIFT_BASES)[number], DailyMoments>): Promise<WrittenFile[]> {
  const rows = days * LIFT_BASES.length;
  const cols = {
    day: new Uint32Array(rows),
    basis: new Uint8Array(rows),
    treatment_users: new Uint32Array(rows),
    control_users: new Uint32Array(rows),
    treatment_purchases: new Uint32Array(rows),
    control_purchases: new Uint32Array(rows),
    lift_per_user: new Float64Array(rows),
    incremental_purchases: new Float64Array(rows),
    incremental_low: new Float64Array(rows),
    incremental_high: new Float64Array(rows),
  };
  let row = 0;
  for (let d = 0; d < days; d++) {
    for (const [b, basis] of LIFT_BASES.entries()) {
      const treatment = momentsAt(byBasis[basis], d, TREATMENT);
      const control = momentsAt(byBasis[basis], d, CONTROL);
      const lift = meanDifference(treatment, control);
      cols.day[row] = d;
      cols.basis[row] = b;
      cols.treatment_users[row] = treatment.n;
      cols.control_users[row] = control.n;
      cols.treatment_purchases[row] = treatment.sum;
      cols.control_purchases[row] = control.sum;
      cols.lift_per_user[row] = lift.mean;
      cols.incremental_purchases[row] = lift.mean * treatment.n;
      cols.incremental_low[row] = lift.low * treatment.n;
      cols.incremental_high[row] = lift.high * treatment.n;
      row++;
    }
  }
  return [await writeArrowFile(join(dir, "lift_daily.arrow"), makeSchema(LIFT_DAILY_SPECS, identity), LIFT_DAILY_SPECS, cols, rows)];
}
