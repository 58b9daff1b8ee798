import { describe, expect, it } from "vitest";
import { cid, OWN_SHOP_ORDER, resolveOptions } from "../../src/engines/attribution/index.js";
import type { PathTable } from "../../src/engines/attribution/index.js";
import { InputError } from "../../src/errors.js";
import { HAND_ROWS, tableOf } from "./helpers.js";

const day = 86_400_000;

// Channels X = 0, Y = 1, Z = 2.
const timed: PathTable = {
  channels: ["X", "Y", "Z"],
  paths: [
    [0, 1, 2], // clicks 11 on X (day 0) and 13 on Z (day 5); converts day 6 with 13 → Z, inside [day -1, day 6].
    [0, 1], // click 21 on X (day 0) only; converts day 10 with 21 → window [day 3, day 10] misses it: unattributed.
    [1, 0, 2], // clicks 31 on Y (day 0), 32 on X (day 3), 33 on Z (day 12); converts day 10 with 32 → X, on the window edge.
    [0], // never converts.
  ],
  conversions: [1, 2, 1, 0],
  value: [10, 30, 5, 0],
  nulls: [0, 0, 0, 4],
  touchTimes: [
    [0, day, 5 * day],
    [0, 9 * day],
    [0, 3 * day, 12 * day],
    [0],
  ],
  clickIds: [[11, 0, 13], [21, 0], [31, 32, 33], [41]],
  conversionTimes: [6 * day, 10 * day, 10 * day, 0],
  conversionClickIds: [13, 21, 32, 0],
};

function amounts(result: { conversions: Float64Array; value: Float64Array }): [number[], number[]] {
  return [Array.from(result.conversions), Array.from(result.value)];
}

describe("cid", () => {
  it("credits the touch with the conversion's click id within the window and reports the rest as unattributed", () => {
    const result = cid.attribute(timed, resolveOptions());
    // X: row 2 (1, 5); Y: nothing; Z: row 0 (1, 10); unattributed: row 1 (2, 30).
    expect(amounts(result)).toEqual([
      [1, 0, 1],
      [5, 0, 10],
    ]);
    expect(result.unattributed).toEqual({ conversions: 2, value: 30 });
  });

  it("widens with windowDays", () => {
    const result = cid.attribute(timed, resolveOptions({ windowDays: 10 }));
    // Row 1's window becomes [day 0, day 10] and takes in the click on X: X gets (1 + 2, 5 + 30).
    expect(amounts(result)).toEqual([
      [3, 0, 1],
      [35, 0, 10],
    ]);
    expect(result.unattributed).toEqual({ conversions: 0, value: 0 });
  });

  it("measures the window from the last touch when conversion times are absent", () => {
    const withoutConversionTimes: PathTable = { ...timed };
    delete (withoutConversionTimes as { conversionTimes?: unknown }).conversionTimes;
    const result = cid.attribute(withoutConversionTimes, resolveOptions());
    // Row 0: from day 5, Z. Row 1: from day 9, window [day 2, day 9], no click 21: unattributed.
    // Row 2: from day 12, window [day 5, day 12], click 32 (day 3) outside: unattributed.
    expect(amounts(result)).toEqual([
      [0, 0, 1],
      [0, 0, 10],
    ]);
    expect(result.unattributed).toEqual({ conversions: 3, value: 35 });
  });

  it("ties an own-shop order to the platform's last click within 7 days, whatever windowDays", () => {
    const table: PathTable = {
      channels: ["X", "Y"],
      paths: [[0, 1], [0, 1]],
      conversions: [1, 1],
      value: [10, 20],
      nulls: [0, 0],
      touchTimes: [[0, 2 * day], [0, 2 * day]],
      // X carried a click id, Y none (a feed read).
      clickIds: [[1, 0], [3, 0]],
      conversionTimes: [6 * day, 8 * day],
      conversionClickIds: [OWN_SHOP_ORDER, OWN_SHOP_ORDER],
    };
    const result = cid.attribute(table, resolveOptions({ windowDays: 30 }));
    // Day 6: X's click on day 0 is within 7 days. Day 8: it is not.
    expect(amounts(result)).toEqual([
      [1, 0],
      [10, 0],
    ]);
    expect(result.unattributed).toEqual({ conversions: 1, value: 20 });
  });

  it("credits nothing for a conversion passed back without a click id, or with one no touch carried", () => {
    const table: PathTable = {
      channels: ["X", "Y"],
      paths: [[0, 1], [0, 1], [0, 1]],
      conversions: [1, 1, 1],
      value: [10, 20, 40],
      nulls: [0, 0, 0],
      touchTimes: [[0, day], [0, day], [0, day]],
      // Both touches carried click ids; only the third conversion came back with one of them.
      clickIds: [[1, 2], [3, 4], [5, 6]],
      conversionTimes: [2 * day, 2 * day, 2 * day],
      conversionClickIds: [0, 99, 5],
    };
    const result = cid.attribute(table, resolveOptions());
    // The third goes to X, whose click it was, though Y's click is later.
    expect(amounts(result)).toEqual([
      [1, 0],
      [40, 0],
    ]);
    expect(result.unattributed).toEqual({ conversions: 2, value: 30 });
  });

  it("refuses paths without touch times and click ids", () => {
    expect(() => cid.attribute(tableOf(HAND_ROWS), resolveOptions())).toThrow(InputError);
  });
});
