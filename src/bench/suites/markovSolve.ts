import { markovRemovalEffects, syntheticPathTable } from "../../engines/attribution/index.js";
import type { BenchOp } from "../measure.js";
import type { BenchPlan } from "../plan.js";

/** One exact Markov removal-effect solve over a synthetic path table; the table is built outside the timing. */
export function markovSolveOp(size: BenchPlan["markov"]): BenchOp {
  const table = syntheticPathTable(size.paths, size.channels);
  return { name: "markov-solve", run: () => markovRemovalEffects(table, false), units: () => size.paths };
}
