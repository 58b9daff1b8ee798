import { ShardSimulator } from "../../sim/shard.js";
import type { Fixture } from "../fixture.js";
import type { BenchOp } from "../measure.js";

/** The simulator alone: every day of the fixture's shard over the pre-built world. */
export function generateOp(f: Fixture): BenchOp {
  const fresh = () => new ShardSimulator(f.loaded.scenario, f.world, f.policy, f.shard);
  let sim = fresh();
  return {
    name: "generate",
    run: () => {
      let rows = 0;
      for (let day = 0; day < sim.days; day++) rows += sim.simulateDay(day).length;
      if (rows !== f.generatedRows) throw new Error(`generate made ${rows} rows, the fixture ${f.generatedRows}`);
    },
    units: () => f.generatedRows,
    // Days must start from 0, so every call gets a new simulator, built outside the timing.
    beforeEach: () => void (sim = fresh()),
  };
}
