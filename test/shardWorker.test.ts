import { MessageChannel } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import runShardTask from "../src/workers/shardWorker.js";
import { ShardCancelled, type ShardTask } from "../src/workers/protocol.js";

describe("shard worker", () => {
  it("a shard that was queued when the run stopped ends before it builds anything", async () => {
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    Atomics.store(cancel, 0, 1);
    // No scenario at all: building the world or the shard would throw a TypeError instead.
    const channel = new MessageChannel();
    const messages: unknown[] = [];
    channel.port1.on("message", (m) => messages.push(m));
    const task = { spec: { index: 3, firstUser: 30, userCount: 10 }, cancel, progress: channel.port2 } as unknown as ShardTask;
    const run = runShardTask(task);
    await expect(run).rejects.toBeInstanceOf(ShardCancelled);
    await expect(run).rejects.toThrow(/shard 3 stopped/);
    // Its progress port still gets its last message: the run does not wait out a timeout for it.
    await new Promise((resolve) => channel.port1.once("close", resolve));
    expect(messages).toEqual([{ done: true }]);
  });
});
