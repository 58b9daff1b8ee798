import { describe, expect, it } from "vitest";
import { recycleArraysBetweenShards, shardArraysDone, shardArraysStart, zeroed } from "../src/events/zeroed.js";

// Each vitest file runs in a fresh module graph, so turning recycling on here stays here.
describe("zeroed arrays", () => {
  it("are new and zero-filled while recycling is off (the main thread)", () => {
    const a = zeroed(Float64Array, 8);
    a.fill(3);
    shardArraysDone();
    const b = zeroed(Float64Array, 8);
    expect(b).not.toBe(a);
    expect([...b]).toEqual(new Array(8).fill(0));
  });

  it("serve the next shard once the last one is done, zero-filled again, by type and length", () => {
    recycleArraysBetweenShards();
    const a = zeroed(Float64Array, 8);
    const b = zeroed(Uint8Array, 8);
    a.fill(3);
    b.fill(7);
    // Still in use during the shard: never handed out twice.
    expect(zeroed(Float64Array, 8)).not.toBe(a);
    shardArraysDone();
    const again = zeroed(Uint8Array, 8);
    expect(again).toBe(b);
    expect([...again]).toEqual(new Array(8).fill(0));
    expect(zeroed(Float64Array, 16)).not.toBe(a);
    // The copy handed out during the shard is free again too: one of the next two is `a`.
    expect([zeroed(Float64Array, 8), zeroed(Float64Array, 8)]).toContain(a);
  });

  it("are not reused once moved to another thread (detached), before or after their shard ended", () => {
    recycleArraysBetweenShards();
    shardArraysDone();
    const before = zeroed(Int32Array, 4);
    const after = zeroed(Int32Array, 4);
    structuredClone(before.buffer, { transfer: [before.buffer] });
    shardArraysDone();
    // A result is moved after the shard's arrays were released.
    structuredClone(after.buffer, { transfer: [after.buffer] });
    const next = zeroed(Int32Array, 4);
    expect(next === before || next === after).toBe(false);
    expect([...next]).toEqual([0, 0, 0, 0]);
  });

  it("let go of arrays the next shard did not ask for again", () => {
    recycleArraysBetweenShards();
    shardArraysDone();
    const unused = zeroed(Uint32Array, 4);
    shardArraysDone();
    shardArraysDone();
    expect(zeroed(Uint32Array, 4) === unused).toBe(false);
  });

  it("let go of free arrays when a shard of another size starts", () => {
    recycleArraysBetweenShards();
    shardArraysStart(8);
    const full = zeroed(Float64Array, 8);
    shardArraysDone();
    shardArraysStart(8);
    expect(zeroed(Float64Array, 8)).toBe(full);
    shardArraysDone();
    // The short last shard: the full-size arrays are let go as it starts, not held beside its new ones.
    shardArraysStart(3);
    expect(zeroed(Float64Array, 8) === full).toBe(false);
  });
});
