import { availableParallelism } from "node:os";
import { MessageChannel } from "node:worker_threads";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import { from, lastValueFrom, mergeMap, tap } from "rxjs";
import type { ShardResult } from "../pipeline/shardPipeline.js";
import type { ShardSpec } from "../sim/shard.js";
import type { DayProgress, ShardTask } from "./protocol.js";

/**
 * The worker entry as built JavaScript. Under a TypeScript runner (tests, tsx) this module
 * lives in src/, but worker threads need the compiled file, so the dist/ twin is used.
 */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  const js = here.endsWith(".ts") ? here.replace(/([/\\])src([/\\])workers([/\\])pool\.ts$/, "$1dist$2workers$3shardWorker.js") : here.replace(/pool\.js$/, "shardWorker.js");
  return js;
}

export function defaultWorkerCount(): number {
  return availableParallelism();
}

export class ShardFailure extends Error {
  constructor(spec: ShardSpec, cause: unknown) {
    const last = spec.firstUser + spec.userCount - 1;
    super(`shard ${spec.index} (users ${spec.firstUser}–${last}) failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "ShardFailure";
  }
}

/**
 * A piscina pool of shard workers. Created before the main thread builds the world, so
 * the workers load their modules meanwhile.
 */
export function createShardPool(workers: number): Piscina {
  return new Piscina({
    filename: workerFile(),
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 1000,
    // V8 doubles a worker's young generation (16 → 32 MB) once enough bytes have survived
    // scavenges, which only long runs reach; capping it near the size short runs settle at
    // keeps peak RSS flat across run lengths, at no measurable cost in speed.
    resourceLimits: { maxYoungGenerationSizeMb: 24 },
  });
}

/**
 * Drives shards through `pool` with an RxJS pipeline: at most `workers` shards in
 * flight (backpressure), per-day progress over a MessagePort, each result handed to
 * `onResult` as it completes (in completion order: see `inShardOrder`).
 * A failing shard fails the whole run with its index and user range; `signal` aborts all.
 * The pool is destroyed when the shards are done or have failed.
 */
export async function runShardsInPool(
  pool: Piscina,
  specs: readonly ShardSpec[],
  task: (spec: ShardSpec) => Omit<ShardTask, "progress" | "spec">,
  onDay: (spec: ShardSpec, progress: DayProgress) => void,
  onResult: (result: ShardResult) => void,
  signal?: AbortSignal,
): Promise<void> {
  try {
    await lastValueFrom(
      from(specs).pipe(
        mergeMap(async (spec) => {
          const channel = new MessageChannel();
          channel.port1.on("message", (p: DayProgress) => onDay(spec, p));
          try {
            const options = signal ? { transferList: [channel.port2], signal } : { transferList: [channel.port2] };
            return (await pool.run({ ...task(spec), spec, progress: channel.port2 } satisfies ShardTask, options)) as ShardResult;
          } catch (error) {
            if (signal?.aborted) throw signal.reason;
            throw new ShardFailure(spec, error);
          } finally {
            channel.port1.close();
          }
        }, pool.options.maxThreads),
        tap(onResult),
      ),
      { defaultValue: undefined },
    );
  } finally {
    await pool.destroy();
  }
}
