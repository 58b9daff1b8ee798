import { describe, expect, it } from "vitest";
import { CATEGORY_NAMES, type ScenarioInput } from "../src/config/schema.js";
import { Channel, Kind, Platform } from "../src/events/enums.js";
import { Observed } from "../src/events/observedAs.js";
import { DAY_MS } from "../src/sim/kernel.js";
import { storeBit, unusedSwitchWarnings } from "../src/sim/policy.js";
import { loadScenario } from "../src/config/load.js";
import { simulateShardInMemory, smallScenario } from "./helpers.js";

/** A world with plenty of link traffic so policy effects are visible in small runs. */
function scenario(policy: ScenarioInput["policy"], days = 40) {
  return smallScenario({
    seed: 3,
    population: { users: 1500 },
    simulation: { days, shardUsers: 1500 },
    behaviour: { adLoad: 0.3, adCtr: 0.1, linkClickAfterAdClick: 0.8 },
    brands: { experienceScore: { min: 4.6, max: 5 }, dailyAdBudgetYuan: { min: 6000, max: 50_000 } },
    policy,
  });
}

const ALL_CATEGORIES = [...CATEGORY_NAMES];

describe("link policies", () => {
  it("closed: the platform observes ~no off-platform purchase while true off-platform purchases exist", () => {
    const { events: e } = simulateShardInMemory(scenario({ type: "closed" }));
    let offTrue = 0;
    let offObserved = 0;
    for (let i = 0; i < e.length; i++) {
      if (e.kind[i] !== Kind.purchase || e.duplicate[i] === 1 || e.platform[i] === Platform.red_shop) continue;
      offTrue++;
      offObserved += e.observed[i]!;
    }
    expect(offTrue).toBeGreaterThan(100);
    expect(offObserved).toBe(0);
  });

  it("Red Cat with a 7-day window under-counts link purchases by the share arriving after day 7", () => {
    const { truth, events: e } = simulateShardInMemory(
      scenario({ type: "redcat", redcat: { windowDays: 7, categories: ALL_CATEGORIES, minExperienceScore: 4.5, minDailyBudgetYuan: 5000 } }, 60),
    );
    const p = truth.purchases;
    let link = 0;
    let late = 0;
    for (let i = 0; i < p.id.length; i++) {
      if (p.channel[i] !== Channel.link) continue;
      link++;
      if (p.time[i]! - p.clickTime[i]! > 7 * DAY_MS) late++;
    }
    let observedLink = 0;
    for (let i = 0; i < e.length; i++) {
      if (e.kind[i] === Kind.purchase && e.channel[i] === Channel.link && e.duplicate[i] === 0) observedLink += e.observed[i]!;
    }
    expect(link).toBeGreaterThan(100);
    expect(late / link).toBeGreaterThan(0.2);
    // Exactly the orders inside the window are passed back: a window cut short by hours would miss some.
    expect(observedLink).toBe(link - late);
  });

  it("a 30-day window sees more link purchases than a 7-day window", () => {
    const observed = (windowDays: 7 | 15 | 30) => {
      const { events: e } = simulateShardInMemory(scenario({ type: "redcat", redcat: { windowDays, categories: ALL_CATEGORIES } }, 60));
      let n = 0;
      for (let i = 0; i < e.length; i++) if (e.kind[i] === Kind.purchase && e.channel[i] === Channel.link && e.duplicate[i] === 0) n += e.observed[i]!;
      return n;
    };
    expect(observed(30)).toBeGreaterThan(observed(7));
  });

  it("Red JD: link areas lead to a qualifying brand's JD store too, a brand at both split by retailer weights, and JD's orders are passed back as Tmall's are", () => {
    const s = scenario({ type: "redcat", redcat: { stores: ["tmall", "jd"], windowDays: 7, categories: ALL_CATEGORIES } }, 60);
    const { events: e, truth, world, policy } = simulateShardInMemory(s);
    const both = storeBit(Platform.tmall) | storeBit(Platform.jd);
    const visits = { tmall: 0, jd: 0, bothTmall: 0, both: 0 };
    for (let i = 0; i < e.length; i++) {
      // A trip out through an ad's link area: the visit tagged with the ad click's id.
      if (e.kind[i] !== Kind.store_visit || e.clickId[i] === 0 || e.duplicate[i] === 1) continue;
      const b = e.brand[i]!;
      const p = e.platform[i]!;
      expect([Platform.tmall, Platform.jd]).toContain(p);
      // Only to a store the brand runs and qualifies at.
      expect(policy.linkStores[b]! & storeBit(p)).not.toBe(0);
      expect(p === Platform.jd ? world.brands.hasJd[b] : world.brands.hasTmall[b]).toBe(1);
      visits[p === Platform.jd ? "jd" : "tmall"]++;
      if (policy.linkStores[b] === both) {
        visits.both++;
        if (p === Platform.tmall) visits.bothTmall++;
      }
    }
    expect(visits.jd).toBeGreaterThan(100);
    expect(visits.tmall).toBeGreaterThan(100);
    // Default weights tmall 0.45, jd 0.3: 60 % of a two-store brand's link areas lead to Tmall.
    expect(visits.both).toBeGreaterThan(200);
    expect(Math.abs(visits.bothTmall / visits.both - 0.6)).toBeLessThan(0.08);
    // Orders through either store inside the 7-day window are passed back, and no others.
    const p = truth.purchases;
    const link = { tmall: 0, jd: 0, inWindow: 0 };
    for (let i = 0; i < p.id.length; i++) {
      if (p.channel[i] !== Channel.link) continue;
      link[p.platform[i] === Platform.jd ? "jd" : "tmall"]++;
      if (p.time[i]! - p.clickTime[i]! <= 7 * DAY_MS) link.inWindow++;
    }
    let observedLink = 0;
    for (let i = 0; i < e.length; i++) {
      if (e.kind[i] === Kind.purchase && e.channel[i] === Channel.link && e.duplicate[i] === 0) observedLink += e.observed[i]!;
    }
    expect(link.jd).toBeGreaterThan(30);
    expect(link.tmall).toBeGreaterThan(30);
    expect(observedLink).toBe(link.inWindow);
  });

  it("Red JD alone: no link area leads to Tmall, and a brand without a JD store gets none", () => {
    const { events: e, world } = simulateShardInMemory(scenario({ type: "redcat", redcat: { stores: ["jd"], categories: ALL_CATEGORIES } }));
    let jdVisits = 0;
    for (let i = 0; i < e.length; i++) {
      if (e.kind[i] !== Kind.link_click) continue;
      expect(world.brands.hasJd[e.brand[i]!]).toBe(1);
    }
    for (let i = 0; i < e.length; i++) {
      if (e.clickId[i] === 0 || e.platform[i] === Platform.red || e.platform[i] === Platform.red_shop) continue;
      expect(e.platform[i]).toBe(Platform.jd);
      jdVisits += e.kind[i] === Kind.store_visit ? 1 : 0;
    }
    expect(jdVisits).toBeGreaterThan(100);
  });

  it("timeline: when Red JD ends, orders its earlier clicks tagged in JD stores are no longer passed back, Tmall's still are", () => {
    const switchAt = Date.parse("2025-05-27T00:00:00Z");
    const redcat = (stores: ("tmall" | "jd")[]) => ({ type: "redcat" as const, redcat: { stores, windowDays: 30 as const, categories: ALL_CATEGORIES } });
    const s = scenario({ type: "timeline", switches: [{ from: "2025-05-07", policy: redcat(["tmall", "jd"]) }, { from: "2025-05-27", policy: redcat(["tmall"]) }] }, 45);
    const { events: e } = simulateShardInMemory(s);
    const tagged = { tmall: 0, tmallSeen: 0, jd: 0, jdSeen: 0 };
    for (let i = 0; i < e.length; i++) {
      if (e.kind[i] !== Kind.purchase || e.duplicate[i] === 1 || e.clickId[i] === 0 || e.time[i]! < switchAt) continue;
      const store = e.platform[i] === Platform.jd ? "jd" : "tmall";
      tagged[store]++;
      if (e.observed[i] === Observed.seen) tagged[`${store}Seen`]++;
    }
    expect(tagged.jd).toBeGreaterThan(10);
    expect(tagged.jdSeen).toBe(0);
    expect(tagged.tmallSeen).toBeGreaterThan(10);
  });

  it("timeline: switches on or after the run's end are named in a warning, not dropped silently", () => {
    const loaded = loadScenario("scenarios/timeline-2020-2025.yaml", { days: 1600 });
    // 2020-08-01 + 1600 days = 2024-12-18: the blue-link and hybrid switches never come.
    expect(unusedSwitchWarnings(loaded.scenario)).toEqual([
      "policy: the timeline switch to blue_links on 2025-02-01 is on or after the run's end (2024-12-18), so it never applies",
      "policy: the timeline switch to hybrid on 2025-05-07 is on or after the run's end (2024-12-18), so it never applies",
      "policy: the timeline switch to hybrid on 2025-06-01 is on or after the run's end (2024-12-18), so it never applies",
    ]);
    expect(unusedSwitchWarnings(loadScenario("scenarios/timeline-2020-2025.yaml").scenario)).toEqual([]);
    expect(unusedSwitchWarnings(loadScenario("scenarios/redcat-2025.yaml").scenario)).toEqual([]);
  });

  it("timeline: regimes switch on the stated dates", () => {
    const { events: e } = simulateShardInMemory(
      scenario(
        {
          type: "timeline",
          switches: [
            { from: "2025-05-07", policy: { type: "closed" } },
            { from: "2025-05-20", policy: { type: "open" } },
            { from: "2025-06-01", policy: { type: "blue_links" } },
          ],
        },
        35,
      ),
    );
    const openFrom = Date.parse("2025-05-20T00:00:00Z");
    const blueFrom = Date.parse("2025-06-01T00:00:00Z");
    const times = (kind: number) => {
      const t: number[] = [];
      for (let i = 0; i < e.length; i++) if (e.kind[i] === kind) t.push(e.time[i]!);
      return t;
    };
    const openLinks = times(Kind.link_click);
    const blueLinks = times(Kind.blue_link_click);
    expect(openLinks.length).toBeGreaterThan(20);
    expect(blueLinks.length).toBeGreaterThan(20);
    expect(Math.min(...openLinks)).toBeGreaterThanOrEqual(openFrom);
    expect(Math.max(...openLinks)).toBeLessThan(blueFrom + DAY_MS);
    expect(openLinks.filter((t) => t < openFrom + DAY_MS).length).toBeGreaterThan(0);
    expect(Math.min(...blueLinks)).toBeGreaterThanOrEqual(blueFrom);
  });

  it("timeline: passback follows the regime in force, so a brand that left Red Cat is no longer passed back for earlier clicks", () => {
    const switchAt = Date.parse("2025-05-27T00:00:00Z");
    const s = scenario(
      {
        type: "timeline",
        switches: [
          { from: "2025-05-07", policy: { type: "redcat", redcat: { windowDays: 30, categories: ALL_CATEGORIES, minExperienceScore: 4.5, minDailyBudgetYuan: 5000 } } },
          { from: "2025-05-27", policy: { type: "hybrid", redcat: { windowDays: 30, categories: ["beauty"], minExperienceScore: 4.5, minDailyBudgetYuan: 5000 } } },
        ],
      },
      45,
    );
    const { events: e, world } = simulateShardInMemory(s);
    const beauty = world.categories.names.indexOf("beauty");
    const tagged = { stillIn: 0, stillInSeen: 0, left: 0, leftSeen: 0 };
    for (let i = 0; i < e.length; i++) {
      if (e.duplicate[i] === 1 || e.clickId[i] === 0 || e.time[i]! < switchAt) continue;
      if (e.platform[i] === Platform.red || e.platform[i] === Platform.red_shop) continue;
      if (e.kind[i] !== Kind.purchase) continue;
      const stillIn = world.brands.category[e.brand[i]!] === beauty;
      tagged[stillIn ? "stillIn" : "left"]++;
      if (e.observed[i] === Observed.seen) tagged[stillIn ? "stillInSeen" : "leftSeen"]++;
    }
    // Orders after the switch still carry click ids of earlier Red Cat clicks of every category …
    expect(tagged.left).toBeGreaterThan(10);
    expect(tagged.stillIn).toBeGreaterThan(10);
    // … but only brands Red Cat still covers are passed back.
    expect(tagged.leftSeen).toBe(0);
    expect(tagged.stillInSeen).toBeGreaterThan(0);
  });

  it("a link's store is the buyer's route for linkStoreDays after the click, not for good: links from an open spell stop routing purchases under the closed loop", () => {
    const closedFrom = Date.parse("2025-05-27T00:00:00Z");
    const s = scenario(
      {
        type: "timeline",
        switches: [
          { from: "2025-05-07", policy: { type: "open", open: { clickAfterRead: 0.3 } } },
          { from: "2025-05-27", policy: { type: "closed" } },
        ],
      },
      120,
    );
    const { truth } = simulateShardInMemory(s);
    const p = truth.purchases;
    const stale = { link: 0, spilloverAfterWindow: 0, linkUnderClosedLate: 0 };
    let longest = 0;
    for (let i = 0; i < p.id.length; i++) {
      if (p.channel[i] === Channel.link) {
        stale.link++;
        longest = Math.max(longest, p.time[i]! - p.clickTime[i]!);
        if (p.time[i]! >= closedFrom + 30 * DAY_MS) stale.linkUnderClosedLate++;
      } else if (p.causeChannel[i] === Channel.link && p.time[i]! - p.causeTime[i]! > 30 * DAY_MS) {
        stale.spilloverAfterWindow++;
      }
    }
    expect(stale.link).toBeGreaterThan(20);
    expect(longest).toBeLessThanOrEqual(30 * DAY_MS);
    // No open link is 30 days old or younger a month into the closed loop: nothing routes there.
    expect(stale.linkUnderClosedLate).toBe(0);
    // Purchases a link caused later than that are still bought, found by search.
    expect(stale.spilloverAfterWindow).toBeGreaterThan(0);
  });

  it("open links: the platform sees the link click and nothing after it", () => {
    const { events: e } = simulateShardInMemory(scenario({ type: "open", open: { clickAfterRead: 0.2 } }));
    let clicks = 0;
    let storeVisits = 0;
    for (let i = 0; i < e.length; i++) {
      if (e.kind[i] === Kind.link_click) {
        clicks++;
        expect(e.observed[i]).toBe(1);
      }
      if (e.kind[i] === Kind.store_visit) {
        storeVisits++;
        expect(e.platform[i]).toBe(Platform.taobao);
        expect(e.observed[i]).toBe(0);
      }
    }
    expect(clicks).toBeGreaterThan(50);
    // One visit per click, plus the visit before each order placed through the link.
    expect(storeVisits).toBeGreaterThanOrEqual(clicks);
  });

  it("alliance matching reveals sampled readers' off-platform orders, late, without a click id", () => {
    const { events: e } = simulateShardInMemory(scenario({ type: "closed", alliance: { sampleRate: 1, windowDays: 30 } }));
    let matched = 0;
    for (let i = 0; i < e.length; i++) {
      if (e.kind[i] !== Kind.purchase || e.platform[i] === Platform.red_shop || e.observed[i] !== Observed.matched) continue;
      matched++;
      expect(e.clickId[i]).toBe(0);
      expect(e.arrival[i]!).toBeGreaterThan(e.time[i]!);
    }
    expect(matched).toBeGreaterThan(20);
  });

  it("alliance matching covers every reader of a pilot industry's brands, whatever the sample", () => {
    const matchedCategories = (alliance: object) => {
      const { events: e, world } = simulateShardInMemory(scenario({ type: "closed", alliance: { windowDays: 30, ...alliance } }));
      const matched: string[] = [];
      for (let i = 0; i < e.length; i++) {
        if (e.kind[i] === Kind.purchase && e.observed[i] === Observed.matched) matched.push(world.categories.names[world.brands.category[e.brand[i]!]!]!);
      }
      return matched;
    };
    expect(matchedCategories({ sampleRate: 0 })).toEqual([]);
    const pilot = matchedCategories({ sampleRate: 0, pilotCategories: ["beauty", "fmcg"] });
    expect(pilot.length).toBeGreaterThan(20);
    expect(new Set(pilot)).toEqual(new Set(["beauty", "fmcg"]));
    // With the whole sample, the pilot industries' matches are the same ones.
    const all = matchedCategories({ sampleRate: 1 });
    expect(all.filter((c) => c === "beauty" || c === "fmcg")).toEqual(pilot);
  });

  it("removing a channel removes the purchases it caused and keeps baseline demand's draws", () => {
    const s = scenario({ type: "redcat", redcat: { categories: ALL_CATEGORIES } });
    const factual = simulateShardInMemory(s).truth.purchases;
    const twin = simulateShardInMemory(s, 0, { removedChannel: Channel.link }).truth.purchases;
    expect(factual.causeChannel.filter((c) => c === Channel.link).length).toBeGreaterThan(10);
    expect(twin.causeChannel.filter((c) => c === Channel.link)).toEqual([]);
    // Baseline candidates are drawn from keyed streams, so each factual baseline purchase
    // time reappears in the twin (unless a removed link purchase had pre-empted it there).
    const twinBaseline = new Set(twin.time.filter((_, i) => twin.causeChannel[i] === Channel.baseline));
    const factualBaseline = factual.time.filter((_, i) => factual.causeChannel[i] === Channel.baseline);
    const kept = factualBaseline.filter((t) => twinBaseline.has(t)).length;
    expect(kept / factualBaseline.length).toBeGreaterThan(0.97);
  });

  it("removing baseline demand removes its purchases and its term in every purchase's credit", () => {
    const s = scenario({ type: "redcat" });
    const factual = simulateShardInMemory(s).truth;
    const twin = simulateShardInMemory(s, 0, { removedChannel: Channel.baseline }).truth;
    expect(factual.credits.touchChannel.filter((c) => c === Channel.baseline).length).toBeGreaterThan(10);
    expect(twin.purchases.causeChannel.length).toBeGreaterThan(10);
    expect(twin.purchases.causeChannel.filter((c) => c === Channel.baseline)).toEqual([]);
    // The twin plants no baseline candidate, so no purchase's intensity has a baseline term.
    expect(twin.credits.touchChannel.filter((c) => c === Channel.baseline)).toEqual([]);
    const sums = new Map<number, number>();
    twin.credits.purchase.forEach((p, j) => sums.set(p, (sums.get(p) ?? 0) + twin.credits.share[j]!));
    expect(sums.size).toBe(twin.purchases.causeChannel.length);
    for (const total of sums.values()) expect(total).toBeCloseTo(1, 9);
  });
});
