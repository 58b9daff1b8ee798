import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ShardOrder } from "../src/workers/shardOrder.js";

/** Lets every pending promise callback run. */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("ShardOrder", () => {
  it("hands results on in position order whatever order they complete in", () => {
    fc.assert(
      fc.property(fc.shuffledSubarray([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], { minLength: 10, maxLength: 10 }), (completed) => {
        const delivered: string[] = [];
        const order = new ShardOrder<string>((r) => delivered.push(r), 3);
        for (const position of completed) order.add(position, `result ${position}`);
        expect(delivered).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((p) => `result ${p}`));
        expect(order.delivered).toBe(10);
      }),
    );
  });

  it("holds a position back while it is maxAhead past the oldest undelivered one", async () => {
    const order = new ShardOrder<number>(() => undefined, 2);
    const started: number[] = [];
    const start = (position: number) => order.turn(position).then(() => started.push(position));
    const waiting = [start(0), start(1), start(2), start(3)];
    await settled();
    expect(started).toEqual([0, 1]);
    // Position 1 completing first releases nothing: 0, the oldest, is still out.
    order.add(1, 1);
    await settled();
    expect(started).toEqual([0, 1]);
    order.add(0, 0);
    await Promise.all(waiting);
    expect(started).toEqual([0, 1, 2, 3]);
  });
});
