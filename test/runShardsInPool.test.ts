import { existsSync } from "node:fs";
import type { MessagePort } from "node:worker_threads";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadScenario } from "../src/config/load.js";
import type { ShardResult } from "../src/pipeline/shardPipeline.js";
import { runScenario } from "../src/run/runScenario.js";
import type { ShardSpec } from "../src/sim/shard.js";
import { runShardsInPool, type ShardPool } from "../src/workers/pool.js";
import type { ShardTask } from "../src/workers/protocol.js";
import { tempDir } from "./helpers.js";

/** A pool whose tasks the test settles by hand, recording which shards were started. */
function manualPool(threads: number) {
  const started: number[] = [];
  const settle = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  const pool = {
    threads,
    markIdle: () => undefined,
    piscina: {
      run: (task: { spec: ShardSpec; progress: MessagePort }) =>
        new Promise((resolve, reject) => {
          started.push(task.spec.index);
          // As a worker does, the task closes its progress port when it ends.
          const ended = () => task.progress.close();
          settle.set(task.spec.index, { resolve: (r) => (ended(), resolve(r)), reject: (e: Error) => (ended(), reject(e)) });
        }),
    },
  } as unknown as ShardPool;
  const result = (index: number) => ({ shard: { index } }) as unknown as ShardResult;
  return { pool, started, settle, result };
}

const specs = (n: number): ShardSpec[] => Array.from({ length: n }, (_, index) => ({ index, firstUser: index * 10, userCount: 10 }));
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("runShardsInPool", () => {
  it("delivers in shard order and starts nothing new once a shard has failed", async () => {
    // Three threads: at most 12 shards past the oldest unfinished one.
    const { pool, started, settle, result } = manualPool(3);
    const delivered: number[] = [];
    const run = runShardsInPool(pool, specs(20), () => ({}) as never, () => undefined, (r) => delivered.push(r.shard.index));
    const failed = expect(run).rejects.toThrow(/shard 1 \(users 10–19\) failed: boom/);
    await settled();
    // Shards 0 and 1 stay out; 2 … 11 finish at once, and 12 waits for shard 0.
    for (let i = 2; i <= 11; i++) {
      settle.get(i)!.resolve(result(i));
      await settled();
    }
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(delivered).toEqual([]);
    settle.get(1)!.reject(new Error("boom"));
    await settled();
    // The run waits for shard 0, still running; its end would let shard 12 start.
    settle.get(0)!.resolve(result(0));
    await failed;
    await settled();
    expect(started).not.toContain(12);
  });

  it("keeps a shard queued for every thread, so a worker that finishes starts the next without waiting for the main thread", async () => {
    const { pool, started, settle, result } = manualPool(2);
    const run = runShardsInPool(pool, specs(8), () => ({}) as never, () => undefined, () => undefined);
    await settled();
    expect(started).toEqual([0, 1, 2, 3]);
    settle.get(0)!.resolve(result(0));
    await settled();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    for (let i = 1; i < 8; i++) {
      settle.get(i)!.resolve(result(i));
      await settled();
    }
    await run;
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("hands every result on in shard order whatever order they finish in", async () => {
    const { pool, settle, result } = manualPool(2);
    const delivered: number[] = [];
    const run = runShardsInPool(pool, specs(6), () => ({}) as never, () => undefined, (r) => delivered.push(r.shard.index));
    for (const i of [1, 0, 3, 2, 5, 4]) {
      await settled();
      settle.get(i)!.resolve(result(i));
    }
    await run;
    expect(delivered).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe("runScenario with workers", () => {
  const dir = tempDir();
  afterAll(() => dir.cleanup());

  it("takes progress that arrives after an abort without throwing, and leaves no directory or made parent", async () => {
    // Workers report days over a message port: a message sent just before a worker saw
    // the stop flag arrives after the abort, in a listener where a throw is uncaught.
    const pool = {
      threads: 1,
      markIdle: () => undefined,
      piscina: {
        run: (task: ShardTask) =>
          new Promise((_resolve, reject) => {
            task.progress.postMessage({ day: 0, rows: 10 });
            task.progress.postMessage({ day: 1, rows: 10 });
            setTimeout(() => {
              task.progress.close();
              reject(new Error("stopped"));
            }, 50);
          }),
      },
    } as unknown as ShardPool;
    const controller = new AbortController();
    const parent = join(dir.path, "made");
    const reported: number[] = [];
    const run = runScenario(loadScenario(undefined, { users: 1000, days: 2 }), {
      outDir: join(parent, "run"),
      events: false,
      pool,
      onProgress: (done) => {
        reported.push(done);
        controller.abort(new Error("interrupted: test"));
      },
      signal: controller.signal,
    });
    await expect(run).rejects.toThrow(/interrupted after 2 of 2 shard-days/);
    expect(reported).toEqual([1, 2]);
    expect(existsSync(parent)).toBe(false);
  });
});
