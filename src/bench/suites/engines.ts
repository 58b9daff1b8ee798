import { ENGINES } from "../../engines/registry.js";
import type { ShardEngineContext } from "../../engines/engine.js";
import { LatentAips } from "../../sim/aipsTruth.js";
import { DAY_MS } from "../../sim/kernel.js";
import type { Fixture } from "../fixture.js";
import type { BenchOp } from "../measure.js";

/**
 * Every engine of a run (attribution, AIPS) over the fixture's delivered batches: fresh
 * shard engines, each batch consumed, day ends with the recorded latent state, the day ends
 * after the run, the final flush, finish — the calls the shard pipeline makes, without
 * generation or delivery.
 */
export function enginesOp(f: Fixture): BenchOp {
  const { scenario } = f.loaded;
  const ctx: ShardEngineContext = { scenario, world: f.world, policy: f.policy, shard: f.shard, startMs: f.startMs };
  const latent = new LatentAips(f.shard.userCount * f.world.brands.count, scenario, f.world.brands.count);
  return {
    name: "engines",
    run: () => {
      const engines = ENGINES.map((e) => e.createShardEngine(ctx));
      f.days.forEach((day, d) => {
        for (const batch of day.delivered) for (const engine of engines) engine.consume(batch);
        latent.state.set(day.latent);
        for (const engine of engines) engine.endOfDay?.(d, f.startMs + (d + 1) * DAY_MS, latent);
      });
      f.afterRun.forEach((delivered, k) => {
        const day = f.days.length + k;
        for (const batch of delivered) for (const engine of engines) engine.consume(batch);
        for (const engine of engines) engine.endOfDayAfterRun?.(day, f.startMs + (day + 1) * DAY_MS);
      });
      for (const batch of f.rest) for (const engine of engines) engine.consume(batch);
      return engines.map((e) => e.finish());
    },
    units: () => f.deliveredRows,
  };
}
