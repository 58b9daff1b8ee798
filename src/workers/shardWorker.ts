import { move, transferableSymbol, valueSymbol } from "piscina";
import { ENGINES } from "../engines/registry.js";
import type { ShardResult } from "../pipeline/shardPipeline.js";
import { executeShard } from "./executeShard.js";
import { resolveLinkPolicy } from "../sim/policy.js";
import { buildWorld, type World } from "../world/world.js";
import { injectedExit, INJECTED_EXIT_CODE, ShardCancelled, type ProgressDone, type ShardTask } from "./protocol.js";
import { packNumberArrays, transferList } from "./transfer.js";
import { recycleArraysBetweenShards, shardArraysDone, shardArraysStart } from "../events/zeroed.js";

// Moving a result detaches its buffers, and the first detach in an isolate invalidates
// V8's "no buffer was ever detached" assumption, throwing away every optimised function
// that reads a typed array. Detaching one small buffer now, before anything is optimised,
// makes that happen while there is nothing to throw away.
const detachOnce = new ArrayBuffer(8);
structuredClone(detachOnce, { transfer: [detachOnce] });
recycleArraysBetweenShards();

/** The world is a pure function of the scenario, so a worker builds it once per scenario. */
let cached: { sha: string; seed: number; world: World } | null = null;

function worldFor(task: ShardTask): World {
  if (cached?.sha !== task.scenarioSha256 || cached.seed !== task.scenario.seed) {
    cached = { sha: task.scenarioSha256, seed: task.scenario.seed, world: buildWorld(task.scenario) };
  }
  return cached.world;
}

/** Piscina entry point: runs one shard's whole pipeline and moves its partial results back. */
export default async function runShardTask(task: ShardTask): Promise<unknown> {
  const { scenario, spec } = task;
  // In a worker thread, process.exit ends that thread only: the pool sees a worker die.
  if (injectedExit(spec.index)) process.exit(INJECTED_EXIT_CODE);
  try {
    // A queued shard may start after the run was stopped: it stops before building anything
    // (its progress port still gets its last message, below, so the run need not wait for it).
    if (Atomics.load(task.cancel, 0) !== 0) throw new ShardCancelled(spec.index);
    const world = worldFor(task);
    shardArraysStart(spec.userCount * world.brands.count);
    const policy = resolveLinkPolicy(scenario, world);
    const result = await executeShard(
      {
        scenario,
        world,
        policy,
        identity: { scenarioSha256: task.scenarioSha256, seed: scenario.seed },
        eventsDir: task.eventsDir,
        engines: ENGINES,
        batchRows: task.batchRows,
        counterfactual: task.counterfactual,
      },
      spec,
      (day, rows) => {
        if (Atomics.load(task.cancel, 0) !== 0) throw new ShardCancelled(spec.index);
        task.progress.postMessage({ day, rows });
      },
    );
    const packed: ShardResult = { ...result, purchases: packNumberArrays(result.purchases), credits: packNumberArrays(result.credits) };
    return move({
      get [transferableSymbol]() {
        return transferList(packed);
      },
      get [valueSymbol]() {
        return packed;
      },
    });
  } finally {
    // The shard's state is dead whether it finished or failed; nothing in its result is one of these arrays.
    shardArraysDone();
    task.progress.postMessage({ done: true } satisfies ProgressDone);
    task.progress.close();
  }
}
