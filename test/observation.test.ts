import { describe, expect, it } from "vitest";
import type { ScenarioInput } from "../src/config/schema.js";
import { Kind, Platform } from "../src/events/enums.js";
import { MATCHED_CHANNEL, Observed, platformRoute } from "../src/events/observedAs.js";
import { attributePaths } from "../src/engines/attribution/index.js";
import { journeysFromEvents } from "../src/engines/attribution/stream/eventParts.js";
import type { StreamAttributionSettings } from "../src/engines/attribution/stream/settings.js";
import { runScenario } from "../src/run/runScenario.js";
import { simulateShardInMemory, smallScenario, tempDir } from "./helpers.js";

const ALL_CATEGORIES = ["beauty", "fashion", "home", "fmcg", "appliances_3c", "baby", "sports_outdoor", "health"] as const;
/** Busy readers and clickers, so every route to a purchase occurs in a small world. */
const busy: ScenarioInput = {
  seed: 7,
  population: { users: 600 },
  simulation: { days: 20, shardUsers: 600 },
  behaviour: { adLoad: 0.4, adCtr: 0.2, linkClickAfterAdClick: 0.9 },
  brands: { experienceScore: { min: 4.6, max: 5 }, dailyAdBudgetYuan: { min: 6000, max: 50_000 } },
  purchase: { touchMass: { link_click: 0.6, ad_click: 0.3 }, linkDelayFactor: 0.05, redShopShare: 0.3 },
};
const openWithAlliance = smallScenario({ ...busy, policy: { type: "open", open: { clickAfterRead: 0.3 }, alliance: { sampleRate: 1, windowDays: 30 } } });

describe("data alliance matches", () => {
  const { events: e } = simulateShardInMemory(openWithAlliance);

  it("are marked as matches, not as rows seen as they happened", () => {
    let matched = 0;
    for (let i = 0; i < e.length; i++) {
      if (e.observed[i] !== Observed.matched) continue;
      matched++;
      expect(e.kind[i]).toBe(Kind.purchase);
      expect(e.platform[i]).not.toBe(Platform.red_shop);
    }
    expect(matched).toBeGreaterThan(20);
    // Some of them came through an open link, whose click id the truth keeps.
    expect(e.clickId.some((id, i) => e.observed[i] === Observed.matched && id !== 0)).toBe(true);
  });

  it("reach the platform without their click id and route; other rows unchanged", () => {
    const seen = platformRoute(e.observed, e.clickId, e.channel, e.length);
    for (let i = 0; i < e.length; i++) {
      const matched = e.observed[i] === Observed.matched;
      expect(seen.clickId[i]).toBe(matched ? 0 : e.clickId[i]);
      expect(seen.channel[i]).toBe(matched ? MATCHED_CHANNEL : e.channel[i]);
    }
    const none = new Uint8Array(e.length);
    // With nothing matched, the columns themselves (no copy).
    expect(platformRoute(none, e.clickId, e.channel, e.length).clickId).toBe(e.clickId);
  });
});

describe("click-id attribution across link policies", () => {
  /** cid's credited conversions in a run, and in `attribute` over the run's events files. */
  async function cidOf(input: ScenarioInput) {
    const dir = tempDir();
    try {
      const outDir = `${dir.path}/run`;
      const { manifest } = await runScenario(
        { path: "test", sha256: "0".repeat(64), scenario: smallScenario({ ...busy, ...input }) },
        { outDir, events: true, report: false, workers: 0 },
      );
      const a = manifest.accuracy.attribution as { observedConversions: number; settings: StreamAttributionSettings; models: Record<string, { conversionsCredited: number }> };
      const fromEvents = attributePaths((await journeysFromEvents(outDir, a.settings)).table, { windowDays: a.settings.cidWindowDays, models: ["cid"] });
      const creditedFromEvents = Object.values(fromEvents.models.cid!.conversions).reduce((sum, n) => sum + n, 0);
      return { observed: a.observedConversions, credited: a.models.cid!.conversionsCredited, creditedFromEvents, observedByChannel: manifest.purchases.observedByChannel };
    } finally {
      dir.cleanup();
    }
  }

  it("credits passed-back orders to their click and own-shop orders to the platform's own clicks; alliance matches to nothing", async () => {
    const closed = await cidOf({ policy: { type: "closed" } });
    const open = await cidOf({ policy: { type: "open", open: { clickAfterRead: 0.3 }, alliance: { sampleRate: 1, windowDays: 30 } } });
    const redcat = await cidOf({ policy: { type: "redcat", redcat: { windowDays: 30, categories: [...ALL_CATEGORIES] } } });
    // A closed loop sees only own-shop orders, some after an ad click within 7 days.
    expect(closed.observed).toBe(closed.observedByChannel.shop);
    expect(closed.credited).toBeGreaterThan(10);
    expect(closed.credited).toBeLessThanOrEqual(closed.observedByChannel.shop!);
    // Open links with an alliance: the matches (over 20) come with no click id and stay uncredited.
    expect(open.observed - open.observedByChannel.shop!).toBeGreaterThan(20);
    expect(open.credited).toBeLessThanOrEqual(open.observedByChannel.shop!);
    // Red Cat adds orders passed back with their click.
    expect(redcat.credited).toBeGreaterThan(redcat.observedByChannel.shop!);
    expect(redcat.credited).toBeLessThan(redcat.observed);
    // Open links show the click and nothing after it: matched orders count as spillover, not link.
    expect(open.observedByChannel.link).toBe(0);
    expect(open.observedByChannel.spillover).toBeGreaterThan(20);
    // Read back from the events files, alliance matches come without their click ids too.
    expect([closed.creditedFromEvents, open.creditedFromEvents, redcat.creditedFromEvents]).toEqual([closed.credited, open.credited, redcat.credited]);
  });
});

describe("arrival times", () => {
  it("are whole milliseconds, as event parts store them, for passback, its copies and alliance matches alike", () => {
    const redcat = smallScenario({
      ...busy,
      policy: { type: "redcat", redcat: { windowDays: 30, categories: [...ALL_CATEGORIES], minExperienceScore: 4.5, minDailyBudgetYuan: 5000 }, alliance: { sampleRate: 1, windowDays: 30 } },
    });
    const { events: e } = simulateShardInMemory(redcat);
    const late = { seen: 0, copies: 0, matched: 0, fractional: 0 };
    for (let i = 0; i < e.length; i++) {
      if (e.arrival[i] === e.time[i]) continue;
      if (e.duplicate[i] === 1) late.copies++;
      else if (e.observed[i] === Observed.matched) late.matched++;
      else late.seen++;
      if (!Number.isInteger(e.arrival[i])) late.fractional++;
    }
    expect(late.seen).toBeGreaterThan(10);
    expect(late.copies).toBeGreaterThan(0);
    expect(late.matched).toBeGreaterThan(0);
    expect(late.fractional).toBe(0);
  });
});
