import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildFixture, deliveredBatches } from "../src/bench/fixture.js";
import { columnarReport, naiveReport } from "../src/bench/suites/naiveBaseline.js";
import { journeySettings } from "../src/engines/attribution/stream/settings.js";
import { streamSettingsFor } from "../src/engines/attribution/stream/settings.js";
import { HOUR, purchase, rowsOf, touch, type TestEvent } from "./attribution/stream/helpers.js";

const settings = { ...journeySettings(), halfLifeDays: 7, cidWindowDays: 7 };

/** The result, or the error's message when the table has nothing to attribute. */
async function outcome<T>(f: () => T | Promise<T>): Promise<T | string> {
  try {
    return await f();
  } catch (error) {
    return String(error);
  }
}

/**
 * Touches and purchases of 3 users × 2 brands over 120 days, on a 12-hour grid so that
 * times often tie (a touch at its purchase's time, gaps of exactly the look-back), with
 * repeats, arriving up to 48 h late.
 */
const deliveries = fc
  .array(
    fc.record({
      hour: fc.integer({ min: 0, max: 240 }).map((halfDays) => halfDays * 12),
      user: fc.integer({ min: 0, max: 2 }),
      brand: fc.integer({ min: 0, max: 1 }),
      what: fc.constantFrom("organic_feed", "search", "ad", "link", "purchase", "purchase"),
      delayHours: fc.integer({ min: 0, max: 48 }),
      repeat: fc.boolean(),
    }),
    { maxLength: 60 },
  )
  .map((draws) =>
    draws.flatMap((d, i): TestEvent[] => {
      const time = d.hour * HOUR;
      const base =
        d.what === "purchase"
          ? purchase(i + 1, 0, { time, value: 10 + i })
          : touch(i + 1, 0, d.what, { time, note: 100 + i, ...(d.what === "ad" || d.what === "link" ? { clickId: i + 1 } : {}) });
      const event = { ...base, user: d.user, brand: d.brand, arrival: time + d.delayHours * HOUR };
      return d.repeat ? [event, { ...event, arrival: event.arrival + HOUR, duplicate: 1 }] : [event];
    }),
  );

describe("naive baseline", () => {
  it("attributes exactly as the streaming engine for any delivery within the allowed lateness", async () => {
    await fc.assert(
      fc.asyncProperty(deliveries, async (events) => {
        const rows = [rowsOf(events)];
        expect(await outcome(() => naiveReport(rows, settings))).toEqual(await outcome(() => columnarReport(rows, settings)));
      }),
      { numRuns: 300 },
    );
  });

  it("attributes exactly as the streaming engine on a simulated shard (passback delays, duplicates)", async () => {
    const f = buildFixture({ users: 2000, days: 20 });
    const batches = deliveredBatches(f);
    const s = streamSettingsFor(f.policy);
    const expected = columnarReport(batches, s);
    expect(Object.keys(expected.models).length).toBeGreaterThanOrEqual(8);
    expect(expected.totals.conversions).toBeGreaterThan(0);
    expect(await naiveReport(batches, s)).toEqual(expected);
  });
});
