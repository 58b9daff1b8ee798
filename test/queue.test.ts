import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ScheduledQueue } from "../src/sim/queue.js";

describe("ScheduledQueue", () => {
  it("pops in time order, ties in insertion order, across interleaved pushes and pops", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.boolean()), { maxLength: 300 }), (ops) => {
        const q = new ScheduledQueue();
        const model: { time: number; seq: number }[] = [];
        let seq = 0;
        const popped: number[] = [];
        const expected: number[] = [];
        for (const [time, popFirst] of ops) {
          if (popFirst && model.length > 0) {
            model.sort((a, b) => a.time - b.time || a.seq - b.seq);
            expected.push(model.shift()!.seq);
            const slot = q.pop();
            popped.push(q.sourceId[slot]!);
            q.release(slot);
          }
          const slot = q.allocate(time, 0, 0);
          q.sourceId[slot] = seq;
          q.commit(slot);
          model.push({ time, seq: seq++ });
        }
        expect(popped).toEqual(expected);
        expect(q.length).toBe(model.length);
      }),
    );
  });

  it("reports +Infinity when empty", () => {
    expect(new ScheduledQueue().peekTime()).toBe(Infinity);
  });
});
