import { markovRemovalEffects, syntheticPathTable } from "../../engines/attribution/index.js";
import { measure, withUnits, type Measurement } from "../measure.js";
import type { BenchPlan, Sampling } from "../plan.js";

/** One exact Markov removal-effect solve over a synthetic path table; the table is built outside the timing. */
export async function markovSolveSuite(size: BenchPlan["markov"], sampling: Sampling): Promise<Measurement> {
  const table = syntheticPathTable(size.paths, size.channels);
  const timing = await measure("markov-solve", () => markovRemovalEffects(table, false), sampling);
  return withUnits(timing, size.paths);
}
