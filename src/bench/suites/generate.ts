import { ShardSimulator } from "../../sim/shard.js";
import type { Fixture } from "../fixture.js";
import { measure, withUnits, type Measurement } from "../measure.js";
import type { Sampling } from "../plan.js";

/** The simulator alone: every day of the fixture's shard over the pre-built world. */
export async function generateSuite(f: Fixture, sampling: Sampling): Promise<Measurement> {
  const fresh = () => new ShardSimulator(f.loaded.scenario, f.world, f.policy, f.shard);
  let sim = fresh();
  const timing = await measure(
    "generate",
    () => {
      let rows = 0;
      for (let day = 0; day < sim.days; day++) rows += sim.simulateDay(day).length;
      if (rows !== f.generatedRows) throw new Error(`generate made ${rows} rows, the fixture ${f.generatedRows}`);
    },
    sampling,
    // Days must start from 0, so every sample gets a new simulator, built outside the timing.
    { beforeEach: () => void (sim = fresh()) },
  );
  return withUnits(timing, f.generatedRows);
}
