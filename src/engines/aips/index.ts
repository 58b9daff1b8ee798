import type { Engine, EngineOutput, FinalizeContext, ShardEngineContext } from "../engine.js";
import { summariseAccuracy } from "./accuracy.js";
import { combineAips } from "./combine.js";
import { resolveAipsOptions } from "./options.js";
import type { AipsPartial } from "./partial.js";
import { AipsShardEngine } from "./shardEngine.js";
import { counted } from "../../plural.js";

/** AIPS: each (user, brand) pair's Awareness → Interest → True Interest → Purchase → Share state from observed signals. */
export const aipsEngine: Engine<AipsPartial> = {
  name: "aips",
  createShardEngine: (ctx: ShardEngineContext) => new AipsShardEngine(ctx),
  lateDays: (scenario) => resolveAipsOptions(scenario).lagDays,
  // Every figure is a count, so two shards sum into a partial of the same shape.
  merge: (running: AipsPartial, next: AipsPartial): AipsPartial => combineAips([running, next]),
  async finalize(partials: AipsPartial[], ctx: FinalizeContext): Promise<EngineOutput> {
    const combined = combineAips(partials);
    // Loaded here, on the main thread only: worker threads never load the Arrow writer.
    const { writeAipsFiles } = await import("./writeOutputs.js");
    const files = await writeAipsFiles(ctx.dir, ctx.identity, combined, ctx.world, ctx.scenario.population.users);
    const accuracy = summariseAccuracy(combined, ctx.scenario, ctx.world);
    const { lateDropped, afterEnd } = combined.counters;
    const warnings: string[] = [];
    if (lateDropped > 0) {
      warnings.push(
        `aips: ${counted(lateDropped, "event")} arrived after ${lateDropped === 1 ? "its" : "their"} day's snapshot (allowedLatenessHours ${ctx.scenario.aips.allowedLatenessHours}); ${lateDropped === 1 ? "it is missing from that snapshot" : "they are missing from those snapshots"} and counted from the next, if any`,
      );
    }
    if (afterEnd > 0) warnings.push(`aips: ${counted(afterEnd, "event")} ${afterEnd === 1 ? "falls" : "fall"} after the last day and ${afterEnd === 1 ? "is" : "are"} in no snapshot`);
    return { files, accuracy, warnings };
  },
};
