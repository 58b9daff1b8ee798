import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { convertingPaths, DAY, HOUR, journeysOf, nullPaths, purchase, touch, type TestEvent } from "./helpers.js";

describe("journey builder", () => {
  it("closes a journey at each conversion; touches after it start the next journey", () => {
    const j = journeysOf([touch(1, 0), touch(2, 1, "search"), purchase(3, 2), touch(4, 3, "ad", { clickId: 4 }), purchase(5, 4, { clickId: 4 })]);
    expect(convertingPaths(j)).toEqual([["organic_feed", "search"], ["ad"]]);
    expect(nullPaths(j)).toEqual({});
    expect(j.counts).toMatchObject({ observedConversions: 2, journeyConversions: 2, touches: 3 });
    // Click ids of the touches and of the conversion a retailer passed back.
    expect(Array.from(j.table.clickIds[1]!)).toEqual([4]);
    expect(Array.from(j.table.conversionClickIds)).toEqual([0, 4]);
  });

  it("keeps only the touches within the look-back before a conversion, inclusive", () => {
    const j = journeysOf([touch(1, 0), touch(2, 20, "search"), touch(3, 35, "ad"), purchase(4, 40)]);
    expect(convertingPaths(j)).toEqual([["search", "ad"]]);
    expect(j.counts.expiredTouches).toBe(1);
    expect(convertingPaths(journeysOf([touch(1, 0), purchase(2, 30)]))).toEqual([["organic_feed"]]);
    expect(convertingPaths(journeysOf([touch(1, 0), purchase(2, 7)], { lookbackDays: 5 }))).toEqual([]);
  });

  it("closes a journey without a touch for a whole look-back as a null; a conversion after it has no path", () => {
    const j = journeysOf([touch(1, 0), touch(2, 10, "search"), purchase(3, 41)]);
    expect(nullPaths(j)).toEqual({ "organic_feed>search": 1 });
    expect(convertingPaths(j)).toEqual([]);
    expect(j.counts).toMatchObject({ observedConversions: 1, untouchedConversions: 1, journeyConversions: 0, nullJourneys: 1 });
  });

  it("turns journeys still open at the end of the stream into nulls and aggregates equal null paths", () => {
    const j = journeysOf([touch(1, 0, "ad", { user: 1 }), touch(2, 0, "ad", { user: 2 }), touch(3, 1, "search", { user: 3 })]);
    expect(nullPaths(j)).toEqual({ ad: 2, search: 1 });
  });

  it("builds one journey per (user, brand)", () => {
    const j = journeysOf([
      touch(1, 0, "organic_feed", { user: 1, brand: 1 }),
      touch(2, 1, "search", { user: 1, brand: 2 }),
      touch(3, 2, "ad", { user: 2, brand: 1 }),
      purchase(4, 3, { user: 1, brand: 1 }),
    ]);
    expect(convertingPaths(j)).toEqual([["organic_feed"]]);
    expect(nullPaths(j)).toEqual({ search: 1, ad: 1 });
  });

  it("orders touches by event time, not arrival", () => {
    const j = journeysOf([touch(1, 1, "search", { arrival: 1.5 * DAY }), touch(2, 1.2, "organic_feed"), purchase(3, 2)]);
    expect(convertingPaths(j)).toEqual([["search", "organic_feed"]]);
  });

  it("drops re-delivered copies by their repeated id, and counts them", () => {
    const j = journeysOf([
      touch(1, 0),
      touch(1, 0, "organic_feed", { arrival: 2 * HOUR }),
      purchase(2, 1, { arrival: DAY + 6 * HOUR }),
      purchase(2, 1, { arrival: DAY + 9 * HOUR, duplicate: 1 }),
    ]);
    expect(convertingPaths(j)).toEqual([["organic_feed"]]);
    expect(j.counts).toMatchObject({ observedConversions: 1, duplicatesDropped: 2 });
  });

  it("knows a conversion or a late row re-delivered long after the memory of recent ids", () => {
    // Recent ids are remembered one to two allowed latenesses (48 h) of arrivals; these copies come days later.
    const j = journeysOf([
      touch(1, 0),
      purchase(2, 10 / 24),
      touch(3, 50 / 24, "search"),
      purchase(2, 10 / 24, { arrival: 5 * DAY, duplicate: 1 }),
      touch(4, 6, "ad", { arrival: 6 * DAY + HOUR }),
      touch(4, 6, "ad", { arrival: 12 * DAY, duplicate: 1 }),
    ]);
    expect(j.counts).toMatchObject({ observedConversions: 1, duplicatesDropped: 2, lateConversions: 0, lateTouches: 0 });
  });

  it("still places an event later than allowed while its journey is open", () => {
    const j = journeysOf([touch(1, 0), touch(2, 10, "search"), purchase(3, 5, { arrival: 8 * DAY })]);
    expect(convertingPaths(j)).toEqual([["organic_feed"]]);
    expect(nullPaths(j)).toEqual({ search: 1 });
    expect(j.counts.lateConversions).toBe(0);
  });

  it("counts a conversion later than allowed whose look-back had already lost touches, so a shorter path is not passed as whole", () => {
    // Touches on days 0 and 20, a purchase on day 25 and a touch on day 40 that keeps the journey open.
    const events = [touch(1, 0), touch(2, 20, "search"), touch(4, 40, "ad")];
    const onTime = journeysOf([...events, purchase(3, 25)]);
    expect(convertingPaths(onTime)).toEqual([["organic_feed", "search"]]);
    expect(onTime.counts.shortenedConversions).toBe(0);
    // Arriving on day 41, the day-0 touch (inside its 30-day look-back) has been let go.
    const late = journeysOf([...events, purchase(3, 25, { arrival: 41 * DAY })]);
    expect(convertingPaths(late)).toEqual([["search"]]);
    expect(late.counts).toMatchObject({ lateConversions: 0, shortenedConversions: 1 });
    // A late conversion whose look-back lost nothing is not counted.
    const whole = journeysOf([touch(1, 10), touch(2, 20, "search"), touch(4, 40, "ad"), purchase(3, 25, { arrival: 41 * DAY })]);
    expect(convertingPaths(whole)).toEqual([["organic_feed", "search"]]);
    expect(whole.counts.shortenedConversions).toBe(0);
  });

  it("counts, and does not use, events that arrive after their journey closed", () => {
    const j = journeysOf([touch(1, 0), purchase(2, 1, { arrival: 40 * DAY }), touch(3, 39)], { allowedLatenessHours: 48 });
    expect(convertingPaths(j)).toEqual([]);
    expect(nullPaths(j)).toEqual({ organic_feed: 2 });
    expect(j.counts).toMatchObject({ observedConversions: 1, lateConversions: 1, lateTouches: 0 });
  });

  it("counts events more than allowed lateness + look-back late as too late, even for a new pair", () => {
    const j = journeysOf([touch(1, 100, "organic_feed", { user: 1 }), touch(2, 1, "search", { user: 2, arrival: 100 * DAY })]);
    expect(j.counts.lateTouches).toBe(1);
    expect(nullPaths(j)).toEqual({ organic_feed: 1 });
  });
});

/** Random touches and purchases of 3 users × 2 brands over 120 days, on an hourly grid so times tie. */
const eventsArbitrary = fc
  .array(
    fc.record({
      hour: fc.integer({ min: 0, max: 120 * 24 }),
      user: fc.integer({ min: 0, max: 2 }),
      brand: fc.integer({ min: 0, max: 1 }),
      what: fc.constantFrom("organic_feed", "search", "ad", "link", "purchase", "purchase"),
      delayHours: fc.integer({ min: 0, max: 48 }),
      lateHours: fc.integer({ min: 0, max: 40 * 24 }),
    }),
    { maxLength: 60 },
  )
  .map((draws) =>
    draws.map((d, i) => {
      const time = d.hour * HOUR;
      const base: TestEvent =
        d.what === "purchase"
          ? purchase(i + 1, 0, { time, value: 10 + i })
          : touch(i + 1, 0, d.what, { time, note: 100 + i, ...(d.what === "ad" || d.what === "link" ? { clickId: i + 1 } : {}) });
      return { event: { ...base, user: d.user, brand: d.brand }, delay: d.delayHours * HOUR, late: d.lateHours * HOUR };
    }),
  );

describe("journey builder properties", () => {
  it("gives the same journeys for any arrival order within the allowed lateness, at any batch size", () => {
    fc.assert(
      fc.property(eventsArbitrary, (draws) => {
        const inOrder = journeysOf(draws.map((d) => d.event));
        const shuffled = draws.map((d) => ({ ...d.event, arrival: d.event.time + d.delay }));
        expect(journeysOf(shuffled)).toEqual(inOrder);
        expect(journeysOf(shuffled, {}, 1)).toEqual(inOrder);
        expect(inOrder.counts.shortenedConversions).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it("accounts for every event once, however late it arrives", () => {
    fc.assert(
      fc.property(eventsArbitrary, (draws) => {
        const events = draws.map((d) => ({ ...d.event, arrival: d.event.time + d.late }));
        const { counts } = journeysOf(events);
        const purchases = events.filter((e) => e.kind === "purchase").length;
        expect(counts.observedConversions).toBe(purchases);
        expect(counts.journeyConversions + counts.untouchedConversions + counts.lateConversions).toBe(purchases);
        expect(counts.touches + counts.expiredTouches + counts.lateTouches).toBe(events.length - purchases);
      }),
      { numRuns: 300 },
    );
  });
});
