import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DaySessions } from "../src/sim/daySessions.js";

const DAY_START = Date.parse("2025-05-07T00:00:00Z");

describe("DaySessions.sortByStart", () => {
  it("orders sessions by start millisecond, ties (many: a few milliseconds drawn often) in the order added", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double({ min: 0, max: 86_399_999, noNaN: true }), fc.double({ min: 1000, max: 1003, noNaN: true })), { maxLength: 3000 }), (offsets) => {
        const sessions = new DaySessions();
        sessions.clear();
        offsets.forEach((offset, i) => sessions.add(DAY_START + offset, i, 0));
        sessions.sortByStart(DAY_START);
        // The millisecond of the start as stored (an epoch time rounds a fraction off the offset).
        const ms = offsets.map((offset) => Math.floor(DAY_START + offset - DAY_START));
        const expected = offsets.map((_, i) => i).sort((a, b) => ms[a]! - ms[b]! || a - b);
        expect(Array.from(sessions.order.subarray(0, sessions.count))).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });

  it("is reused day after day, growing past its first capacity", () => {
    const sessions = new DaySessions();
    for (const n of [5000, 3]) {
      sessions.clear();
      for (let i = 0; i < n; i++) sessions.add(DAY_START + (n - i) * 1000.5, i, i);
      sessions.sortByStart(DAY_START);
      expect(sessions.count).toBe(n);
      expect(sessions.user[sessions.order[0]!]).toBe(n - 1);
      expect(sessions.index[sessions.order[n - 1]!]).toBe(0);
    }
  });
});
