import { describe, expect, it } from "vitest";
import type { ShardResult } from "../src/pipeline/shardPipeline.js";
import type { ShardSpec } from "../src/sim/shard.js";
import { runShardsInPool, type ShardPool } from "../src/workers/pool.js";

/** A pool whose tasks the test settles by hand, recording which shards were started. */
function manualPool(threads: number) {
  const started: number[] = [];
  const settle = new Map<number, { resolve: (r: unknown) => void; reject: (e: unknown) => void }>();
  const pool = {
    threads,
    markIdle: () => undefined,
    piscina: {
      run: (task: { spec: ShardSpec }) =>
        new Promise((resolve, reject) => {
          started.push(task.spec.index);
          settle.set(task.spec.index, { resolve, reject });
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
