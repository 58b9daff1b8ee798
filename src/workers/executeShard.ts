import { runShard, type ShardContext, type ShardResult } from "../pipeline/shardPipeline.js";
import type { ShardSpec } from "../sim/shard.js";
import { injectedFailure } from "./protocol.js";

/** Runs one shard the same way inline and in a worker (including the test failure hook). */
export function executeShard(ctx: ShardContext, spec: ShardSpec, onDay: (day: number, rows: number) => void): Promise<ShardResult> {
  return runShard(ctx, spec, (day, rows) => {
    const failure = day === 0 ? injectedFailure(spec.index) : null;
    if (failure) throw failure;
    onDay(day, rows);
  });
}
