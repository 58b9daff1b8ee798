import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Kind, KINDS, Platform } from "../src/events/enums.js";
import { DAY_MS, HOUR_MS } from "../src/sim/kernel.js";
import { simulateShardInMemory, smallScenario } from "./helpers.js";

/**
 * Invariants of the simulated world, checked over random seeds, sizes and policies.
 * Each case simulates a small shard in memory (generation + observation layer).
 */
const scenarioArb = fc.record({
  seed: fc.nat({ max: 2 ** 32 - 1 }),
  users: fc.integer({ min: 50, max: 400 }),
  days: fc.integer({ min: 3, max: 25 }),
  windowDays: fc.constantFrom(7 as const, 15 as const, 30 as const),
  duplicateRate: fc.double({ min: 0, max: 0.5, noNaN: true }),
  closed: fc.boolean(),
});

interface Params {
  seed: number;
  users: number;
  days: number;
  windowDays: 7 | 15 | 30;
  duplicateRate: number;
  closed: boolean;
}

function simulate(p: Params) {
  const s = smallScenario({
    seed: p.seed,
    population: { users: p.users },
    simulation: { days: p.days, shardUsers: p.users },
    // Heavy ad clicking and link use so passback paths are exercised in small worlds.
    behaviour: { adLoad: 0.4, adCtr: 0.2, linkClickAfterAdClick: 0.9 },
    brands: { experienceScore: { min: 4.6, max: 5 }, dailyAdBudgetYuan: { min: 6000, max: 50_000 } },
    purchase: { touchMass: { link_click: 0.6, ad_click: 0.3 } },
    policy: p.closed
      ? { type: "closed" }
      : { type: "redcat", redcat: { windowDays: p.windowDays, categories: ["beauty", "fashion", "home", "fmcg", "appliances_3c", "baby", "sports_outdoor", "health"], passback: { duplicateRate: p.duplicateRate } } },
  });
  return simulateShardInMemory(s);
}

describe("simulation invariants", () => {
  it("hold for random scenarios", () => {
    fc.assert(
      fc.property(scenarioArb, (p) => {
        const { events: e, truth } = simulate(p);
        // Violations are collected as messages (cheaper than an expect per event).
        const bad: string[] = [];
        const timeOf = new Map<number, number>();
        const clickUser = new Map<number, number>();
        for (let i = 0; i < e.length; i++) {
          const id = e.id[i]!;
          if (e.arrival[i]! < e.time[i]!) bad.push(`arrival < time at ${id}`);
          if (i > 0 && e.time[i]! < e.time[i - 1]!) bad.push(`stream out of time order at ${id}`);
          if (e.duplicate[i] === 1) {
            if (!timeOf.has(id)) bad.push(`duplicate ${id} without an earlier original`);
            if (e.observed[i] !== 1) bad.push(`unobserved duplicate ${id}`);
            continue;
          }
          if (timeOf.has(id)) bad.push(`id ${id} used twice`);
          timeOf.set(id, e.time[i]!);
          if (e.kind[i] === Kind.ad_click) clickUser.set(id, e.user[i]!);
        }
        for (let i = 0; i < e.length; i++) {
          const offPlatform = e.platform[i] !== Platform.red && e.platform[i] !== Platform.red_shop;
          if (offPlatform && e.observed[i] === 1 && clickUser.get(e.clickId[i]!) !== e.user[i]) {
            bad.push(`passback ${e.id[i]} carries click id ${e.clickId[i]} that is not a click of user ${e.user[i]}`);
          }
          // A store step or order tagged with a click happens after the click.
          if (offPlatform && e.clickId[i] !== 0 && !(e.time[i]! >= timeOf.get(e.clickId[i]!)!)) bad.push(`${KINDS[e.kind[i]!]} ${e.id[i]} before its click ${e.clickId[i]}`);
          if (offPlatform && e.observed[i] === 1 && e.duplicate[i] === 0) {
            const after = e.time[i]! - timeOf.get(e.clickId[i]!)!;
            const window = e.kind[i] === Kind.purchase ? p.windowDays * DAY_MS : HOUR_MS;
            if (after > window) bad.push(`${KINDS[e.kind[i]!]} ${e.id[i]} passed back ${after} ms after its click`);
          }
          // The mirror: under Red Cat (every brand eligible here) an order tagged with an ad click
          // inside the window is passed back, up to the window's last millisecond.
          if (!p.closed && offPlatform && e.kind[i] === Kind.purchase && e.duplicate[i] === 0 && clickUser.has(e.clickId[i]!)) {
            const after = e.time[i]! - timeOf.get(e.clickId[i]!)!;
            if (after <= p.windowDays * DAY_MS && e.observed[i] !== 1) bad.push(`order ${e.id[i]} ${after} ms after its click not passed back`);
          }
        }
        const sums = new Map<number, number>();
        for (let j = 0; j < truth.credits.share.length; j++) {
          sums.set(truth.credits.purchase[j]!, (sums.get(truth.credits.purchase[j]!) ?? 0) + truth.credits.share[j]!);
        }
        for (let j = 0; j < truth.purchases.id.length; j++) {
          const id = truth.purchases.id[j]!;
          const cause = truth.purchases.cause[j]!;
          if (cause !== 0 && timeOf.get(cause) !== truth.purchases.causeTime[j]) bad.push(`purchase ${id}: cause ${cause} is not an event at causeTime`);
          if (cause !== 0 && !(truth.purchases.time[j]! > truth.purchases.causeTime[j]!)) bad.push(`purchase ${id} before its cause`);
          if (timeOf.get(id) !== truth.purchases.time[j]) bad.push(`purchase ${id} missing from the stream`);
          if (Math.abs((sums.get(id) ?? 0) - 1) > 1e-9) bad.push(`purchase ${id}: credit shares sum to ${sums.get(id)}`);
        }
        expect(bad.slice(0, 5)).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });

  it("exercises the paths the invariants are about", () => {
    const { events: e, truth } = simulate({ seed: 5, users: 400, days: 25, windowDays: 30, duplicateRate: 0.3, closed: false });
    let duplicates = 0;
    let passback = 0;
    for (let i = 0; i < e.length; i++) {
      duplicates += e.duplicate[i]!;
      if (e.platform[i] !== Platform.red && e.platform[i] !== Platform.red_shop && e.observed[i] === 1 && e.duplicate[i] === 0) passback++;
    }
    expect(duplicates).toBeGreaterThan(10);
    expect(passback).toBeGreaterThan(50);
    expect(truth.purchases.cause.filter((c) => c !== 0).length).toBeGreaterThan(50);
  });

  it("passes back store visits, searches and add-to-cart only within the interaction window of the click", () => {
    const { events: e } = simulate({ seed: 5, users: 400, days: 25, windowDays: 30, duplicateRate: 0, closed: false });
    const timeOf = new Map<number, number>();
    for (let i = 0; i < e.length; i++) timeOf.set(e.id[i]!, e.time[i]!);
    const seen = { within: 0, later: 0 };
    const unseen = { within: 0, later: 0 };
    for (let i = 0; i < e.length; i++) {
      const k = e.kind[i]!;
      if (e.clickId[i] === 0 || !(k === Kind.store_visit || k === Kind.add_to_cart || k === Kind.retail_search)) continue;
      const later = e.time[i]! - timeOf.get(e.clickId[i]!)! > HOUR_MS ? "later" : "within";
      (e.observed[i] === 1 ? seen : unseen)[later]++;
    }
    // Every step within the hour is passed back, none after it (though inside the 30-day order window).
    expect(seen.within).toBeGreaterThan(50);
    expect(unseen.within).toBe(0);
    expect(unseen.later).toBeGreaterThan(10);
    expect(seen.later).toBe(0);
  });

  it("after a switch from open links to Red Cat, passes back nothing tagged with an open link's click", () => {
    const s = smallScenario({
      seed: 3,
      population: { users: 400 },
      simulation: { start: "2025-05-01", days: 20, shardUsers: 400 },
      behaviour: { adLoad: 0.4, adCtr: 0.2, linkClickAfterAdClick: 0.9 },
      brands: { experienceScore: { min: 4.6, max: 5 }, dailyAdBudgetYuan: { min: 6000, max: 50_000 } },
      purchase: { touchMass: { link_click: 0.6, ad_click: 0.3 }, linkDelayFactor: 0.05 },
      policy: {
        type: "timeline",
        switches: [
          { from: "2025-05-01", policy: { type: "open", open: { clickAfterRead: 0.3 } } },
          { from: "2025-05-06", policy: { type: "redcat", redcat: { windowDays: 30, categories: ["beauty", "fashion", "home", "fmcg", "appliances_3c", "baby", "sports_outdoor", "health"] } } },
        ],
      },
    });
    const { events: e } = simulateShardInMemory(s);
    const kindOf = new Map<number, number>();
    for (let i = 0; i < e.length; i++) kindOf.set(e.id[i]!, e.kind[i]!);
    const switchMs = Date.parse("2025-05-06T00:00:00Z");
    let openTagged = 0;
    let passedBack = 0;
    for (let i = 0; i < e.length; i++) {
      const offPlatform = e.platform[i] !== Platform.red && e.platform[i] !== Platform.red_shop;
      if (!offPlatform || e.clickId[i] === 0 || e.time[i]! < switchMs) continue;
      const byOpenLink = kindOf.get(e.clickId[i]!) === Kind.link_click;
      if (byOpenLink) openTagged++;
      if (e.observed[i] === 1) {
        passedBack++;
        expect(byOpenLink, `${KINDS[e.kind[i]!]} ${e.id[i]} tagged with open link click ${e.clickId[i]}`).toBe(false);
      }
    }
    // Rows after the switch tagged with an open link's click exist, and Red Cat passes back others.
    expect(openTagged).toBeGreaterThan(20);
    expect(passedBack).toBeGreaterThan(20);
  });

  it("closed loop observes no off-platform event", () => {
    const { events: e, truth } = simulate({ seed: 9, users: 300, days: 20, windowDays: 7, duplicateRate: 0, closed: true });
    let offPlatformObserved = 0;
    for (let i = 0; i < e.length; i++) if (e.platform[i] !== Platform.red && e.platform[i] !== Platform.red_shop && e.observed[i] === 1) offPlatformObserved++;
    expect(offPlatformObserved).toBe(0);
    expect(truth.purchases.platform.filter((p) => p !== Platform.red_shop).length).toBeGreaterThan(0);
  });
});
