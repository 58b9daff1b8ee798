import { MessageChannel } from "node:worker_threads";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { Piscina } from "piscina";
import { from, lastValueFrom, mergeMap } from "rxjs";
import type { ShardResult } from "../pipeline/shardPipeline.js";
import type { ShardSpec } from "../sim/shard.js";
import { ShardCancelled, type DayProgress, type ProgressMessage, type ShardTask } from "./protocol.js";
import { ShardOrder } from "./shardOrder.js";

/**
 * The worker entry as built JavaScript. Under a TypeScript runner (tests, tsx) this module
 * lives in src/, but worker threads need the compiled file, so the dist/ twin is used.
 */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  const js = here.endsWith(".ts") ? here.replace(/([/\\])src([/\\])workers([/\\])pool\.ts$/, "$1dist$2workers$3shardWorker.js") : here.replace(/pool\.js$/, "shardWorker.js");
  return js;
}

export class ShardFailure extends Error {
  constructor(spec: ShardSpec, cause: unknown) {
    const last = spec.firstUser + spec.userCount - 1;
    super(`shard ${spec.index} (users ${spec.firstUser}–${last}) failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "ShardFailure";
  }
}

/**
 * How long a pool must have been idle before it is destroyed. Node 20 takes a worker's
 * isolate off the platform before disposing of it, and an optimising compile still running
 * on a V8 helper thread in between aborts the whole process (an assertion in
 * `NodePlatform::ForIsolate`). Compiles take tens of milliseconds.
 */
const COMPILER_GRACE_MS = 250;

/**
 * A piscina pool of shard workers. Created before the main thread builds the world, so
 * the workers load their modules meanwhile. Its owner closes it with `close()`, never by
 * destroying the piscina pool directly: see COMPILER_GRACE_MS.
 */
export class ShardPool {
  readonly piscina: Piscina;
  /** When a task last ended (or the pool was created: workers compile while they start). */
  private idleSince = performance.now();
  private closing: Promise<void> | null = null;

  constructor(readonly threads: number) {
    this.piscina = new Piscina({
      filename: workerFile(),
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 1000,
      // V8 doubles a worker's young generation (16 → 32 MB) once enough bytes have survived
      // scavenges, which only long runs reach; capping it near the size short runs settle at
      // keeps peak RSS flat across run lengths, at no measurable cost in speed.
      resourceLimits: { maxYoungGenerationSizeMb: 24 },
    });
  }

  /** Notes that a task just ended, so `close()` counts the grace period from now. */
  markIdle(): void {
    this.idleSince = performance.now();
  }

  /**
   * Destroys the pool once it has been idle for the grace period (at once if it already
   * has). Later calls return the same promise.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const wait = COMPILER_GRACE_MS - (performance.now() - this.idleSince);
      if (wait > 0) await sleep(wait);
      await this.piscina.destroy();
    })();
    return this.closing;
  }
}

/**
 * Shards that may start past the oldest unfinished one, per worker thread. Results that
 * complete early wait for it, so this bounds the memory they hold; a worker only idles
 * when one shard is this far behind the rest.
 */
const MAX_AHEAD_PER_THREAD = 4;
/**
 * Shards handed to piscina per worker thread: one running and one queued. Piscina gives a
 * worker its next queued task as soon as the finished one's message arrives; without a
 * queued task the worker waits while the main thread takes in the result, folds it and
 * submits the next shard, which was 2–37 ms of every ~400 ms shard.
 */
const SUBMITTED_PER_THREAD = 2;

/** How long a shard's last progress messages are waited for once its result is in (a worker that died sends no last message). */
const PROGRESS_DRAIN_MS = 1_000;

/**
 * Drives shards through `pool` with an RxJS pipeline: at most SUBMITTED_PER_THREAD shards
 * per worker in flight (backpressure), per-day progress over a MessagePort, results handed to
 * `onResult` in `specs` order whatever order they complete in (see ShardOrder).
 * A failing shard fails the whole run with its index and user range; `signal` aborts all.
 * Either way the other shards are told to stop at their next day end and are waited for,
 * so no worker is terminated while it runs. The pool stays open: its owner closes it.
 */
export async function runShardsInPool(
  pool: ShardPool,
  specs: readonly ShardSpec[],
  task: (spec: ShardSpec) => Omit<ShardTask, "progress" | "spec" | "cancel">,
  onDay: (spec: ShardSpec, progress: DayProgress) => void,
  onResult: (result: ShardResult) => void,
  signal?: AbortSignal,
): Promise<void> {
  const cancel = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  const stop = () => Atomics.store(cancel, 0, 1);
  signal?.addEventListener("abort", stop, { once: true });
  const running = new Set<Promise<unknown>>();
  const draining: Promise<void>[] = [];
  const order = new ShardOrder(onResult, MAX_AHEAD_PER_THREAD * pool.threads);
  try {
    await lastValueFrom(
      from(specs).pipe(
        mergeMap(async (spec, position) => {
          await order.turn(position);
          // The run may have failed or been stopped while this shard waited its turn: then
          // nothing new starts (the failure path waits only for shards already running).
          if (signal?.aborted) throw signal.reason;
          if (Atomics.load(cancel, 0) !== 0) throw new ShardCancelled(spec.index);
          const channel = new MessageChannel();
          // The shard's messages come in order; its last says every day's is in (see ProgressDone).
          let drain = () => {};
          const drained = new Promise<void>((resolve) => (drain = resolve));
          channel.port1.on("message", (p: ProgressMessage) => ("done" in p ? drain() : onDay(spec, p)));
          channel.port1.once("close", () => drain());
          const run = pool.piscina.run({ ...task(spec), spec, progress: channel.port2, cancel } satisfies ShardTask, { transferList: [channel.port2] });
          running.add(run);
          let result: ShardResult;
          try {
            result = (await run) as ShardResult;
          } catch (error) {
            if (signal?.aborted) throw signal.reason;
            throw new ShardFailure(spec, error);
          } finally {
            running.delete(run);
            pool.markIdle();
            // The result can come before the shard's last days' messages: closing now would drop
            // them. The next shard need not wait for them; the run does, at its end.
            draining.push(Promise.race([drained, sleep(PROGRESS_DRAIN_MS, undefined, { ref: false })]).then(() => channel.port1.close()));
          }
          order.add(position, result);
        }, SUBMITTED_PER_THREAD * pool.threads),
      ),
      { defaultValue: undefined },
    );
  } catch (error) {
    stop();
    await Promise.allSettled([...running]);
    pool.markIdle();
    throw error;
  } finally {
    await Promise.all(draining);
    signal?.removeEventListener("abort", stop);
  }
}
