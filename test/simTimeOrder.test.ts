import { describe, expect, it } from "vitest";
import type { ScenarioInput } from "../src/config/schema.js";
import { Kind, KINDS, NONE, Platform } from "../src/events/enums.js";
import { resolveLinkPolicy } from "../src/sim/policy.js";
import { DAY_MS } from "../src/sim/kernel.js";
import { EVENT_IDS_PER_SHARD as ID_BASE } from "../src/events/eventIds.js";
import { ShardSimulator } from "../src/sim/shard.js";
import { buildWorld } from "../src/world/world.js";
import { simulateShardInMemory, smallScenario } from "./helpers.js";

/** Busy users whose purchases come fast after clicks and after each other, so same-day order matters. */
const hotInput: ScenarioInput = {
  seed: 11,
  population: { users: 500, sessionsPerDay: { low: 4, medium: 8, high: 14 } },
  simulation: { days: 10, shardUsers: 500 },
  behaviour: { adCtr: 0.2, linkClickAfterAdClick: 0.9, impressionsPerSession: 30 },
  purchase: {
    baselinePerUserDay: 0.3,
    linkDelayFactor: 0.02,
    touchMass: { read: 0.3, like: 0.3, collect: 0.3, comment: 0.3, ask_for_link: 0.3, share: 0.3, search: 0.3, ad_click: 0.5, link_click: 0.8, blue_link_click: 0.3 },
  },
  policy: {
    type: "redcat",
    redcat: { windowDays: 30, minExperienceScore: 0.1, minDailyBudgetYuan: 0, categories: ["beauty", "fashion", "home", "fmcg", "appliances_3c", "baby", "sports_outdoor", "health"] },
  },
};
const hot = smallScenario(hotInput);

describe("the simulator works in event-time order", () => {
  const { events, truth, world } = simulateShardInMemory(hot);
  const p = truth.purchases;
  const timeOf = new Map<number, number>();
  for (let i = 0; i < events.length; i++) if (events.duplicate[i] === 0) timeOf.set(events.id[i]!, events.time[i]!);

  it("a purchase carries the click id of the pair's latest link click before it", () => {
    const brands = world.brands.count;
    // Link clicks of each pair, in time order.
    const clicks = new Map<number, { time: number; clickId: number }[]>();
    for (let i = 0; i < events.length; i++) {
      if (events.kind[i] !== Kind.link_click || events.duplicate[i] === 1) continue;
      const pair = events.user[i]! * brands + events.brand[i]!;
      if (!clicks.has(pair)) clicks.set(pair, []);
      clicks.get(pair)!.push({ time: events.time[i]!, clickId: events.clickId[i]! });
    }
    let checked = 0;
    p.id.forEach((_, i) => {
      if (p.clickId[i] === 0) return;
      const before = (clicks.get(p.user[i]! * brands + p.brand[i]!) ?? []).filter((c) => c.time <= p.time[i]!);
      expect(before.at(-1)?.clickId, `purchase ${p.id[i]}`).toBe(p.clickId[i]);
      checked++;
    });
    expect(checked).toBeGreaterThan(100);
  });

  it("a purchase carries the click id of a click before it, never of a later one", () => {
    const tagged = p.id.filter((_, i) => p.clickId[i] !== 0).length;
    expect(tagged).toBeGreaterThan(100);
    p.id.forEach((_, i) => {
      if (p.clickId[i] === 0) return;
      // The id is the ad click's (Red Cat's CID); the time is of the link click it led to.
      expect(p.clickTime[i], `purchase ${p.id[i]}`).toBeLessThanOrEqual(p.time[i]!);
      expect(timeOf.get(p.clickId[i]!)).toBeLessThanOrEqual(p.clickTime[i]!);
    });
  });

  it("a session's closing search comes after the session's last note event", () => {
    // Generation order is id order. A user's note events (feed, ads, search results) run on the
    // session's clock, so none generated before a search may be later than it.
    const latestNoteEvent = new Map<number, number>();
    let searches = 0;
    let lateSessions = 0;
    const order = Array.from(events.id, (_, i) => i).filter((i) => events.duplicate[i] === 0).sort((a, b) => events.id[a]! - events.id[b]!);
    for (const i of order) {
      const user = events.user[i]!;
      const t = events.time[i]!;
      if (events.kind[i] === Kind.search) {
        searches++;
        const latest = latestNoteEvent.get(user) ?? -Infinity;
        if (t % DAY_MS > DAY_MS - 10 * 60_000) lateSessions++;
        expect(t, `search ${events.id[i]} of user ${user}`).toBeGreaterThanOrEqual(latest);
      }
      if (events.platform[i] === Platform.red && events.note[i] !== NONE) latestNoteEvent.set(user, Math.max(t, latestNoteEvent.get(user) ?? -Infinity));
    }
    expect(searches).toBeGreaterThan(100);
    // Searches run into the day's last ten minutes: the end of the day is exercised (a clamped search there failed this).
    expect(lateSessions).toBeGreaterThan(0);
  });

  it("credits only touches since the pair's previous purchase, and earlier than the purchase", () => {
    const brands = world.brands.count;
    const previous = new Map<number, number>();
    const creditedAfter = new Map<number, number>();
    const purchaseTime = new Map<number, number>();
    // Purchases in time order: each one's pair's previous purchase time.
    const order = p.id.map((_, i) => i).sort((a, b) => p.time[a]! - p.time[b]! || a - b);
    let repeats = 0;
    for (const i of order) {
      const pair = p.user[i]! * brands + p.brand[i]!;
      const before = previous.get(pair) ?? -Infinity;
      if (before > -Infinity) repeats++;
      creditedAfter.set(p.id[i]!, before);
      purchaseTime.set(p.id[i]!, p.time[i]!);
      previous.set(pair, p.time[i]!);
    }
    expect(repeats).toBeGreaterThan(50);
    const c = truth.credits;
    c.purchase.forEach((purchase, k) => {
      if (c.touch[k] === 0) return;
      const t = timeOf.get(c.touch[k]!)!;
      expect(t, `touch ${c.touch[k]} of purchase ${purchase}`).toBeGreaterThan(creditedAfter.get(purchase)!);
      expect(t).toBeLessThan(purchaseTime.get(purchase)!);
    });
  });
});

describe("a user's day in event-time order, event by event", () => {
  it.each([
    ["Red Cat", hot],
    // Links under notes: the user reads, goes to the store and comes back.
    ["open links", smallScenario({ ...hotInput, policy: { type: "open", open: { clickAfterRead: 0.3 } } })],
    ["blue links", smallScenario({ ...hotInput, policy: { type: "blue_links", blueLinks: { clickAfterRead: 0.3 } } })],
  ])("changes each pair's latent state in time order (%s): purchases due inside a note's read or a trip to a store run at their time", (_policy, hot) => {
    const world = buildWorld(hot);
    const sim = new ShardSimulator(hot, world, resolveLinkPolicy(hot, world), { index: 0, firstUser: 0, userCount: hot.population.users });
    const latent = sim.latent as unknown as Record<string, (pair: number, t: number, ...rest: unknown[]) => void>;
    const brands = world.brands.count;
    const latestOfUser = new Float64Array(hot.population.users).fill(-Infinity);
    const backwards: string[] = [];
    let changes = 0;
    for (const method of ["exposure", "light", "strong", "purchase", "postPurchaseShare"]) {
      const original = latent[method]!.bind(sim.latent);
      latent[method] = (pair, t, ...rest) => {
        const u = Math.floor(pair / brands);
        if (t < latestOfUser[u]! && backwards.length < 5) backwards.push(`${method} of user ${u} at ${t}, after ${latestOfUser[u]}`);
        latestOfUser[u] = Math.max(latestOfUser[u]!, t);
        changes++;
        original(pair, t, ...rest);
      };
    }
    for (let d = 0; d < hot.simulation.days; d++) sim.simulateDay(d);
    expect(changes).toBeGreaterThan(100_000);
    expect(sim.truth.purchases.id.length).toBeGreaterThan(1_000);
    expect(backwards).toEqual([]);
  });
});

describe("a simulated day", () => {
  // Long, busy evenings with trips to stores that often end in the cart: the last sessions
  // of a day run up to its end.
  const late: ScenarioInput = {
    ...hotInput,
    population: { users: 1000, sessionsPerDay: { low: 10, medium: 16, high: 24 } },
    simulation: { days: 6, shardUsers: 1000 },
    behaviour: { adLoad: 0.6, adCtr: 0.5, linkClickAfterAdClick: 0.9, addToCartAfterVisit: 1, impressionsPerSession: 40 },
  };
  it.each([
    ["Red Cat", smallScenario(late)],
    ["open links", smallScenario({ ...late, policy: { type: "open", open: { clickAfterRead: 0.3 } } })],
  ])("keeps its events inside the day (%s), even when a session or a trip out runs late", (_policy, s) => {
    const world = buildWorld(s);
    const sim = new ShardSimulator(s, world, resolveLinkPolicy(s, world), { index: 0, firstUser: 0, userCount: s.population.users });
    const start = Date.parse(`${s.simulation.start}T00:00:00Z`);
    const outside: string[] = [];
    let lastHour = 0;
    for (let d = 0; d < s.simulation.days; d++) {
      const batch = sim.simulateDay(d);
      const [from, to] = [start + d * DAY_MS, start + (d + 1) * DAY_MS];
      for (let i = 0; i < batch.length; i++) {
        const t = batch.time[i]!;
        if (t >= to - 3_600_000) lastHour++;
        if ((t < from || t >= to) && outside.length < 5) outside.push(`day ${d}: ${KINDS[batch.kind[i]!]} ${batch.id[i]} at ${new Date(t).toISOString()}`);
      }
    }
    expect(lastHour).toBeGreaterThan(1000);
    expect(outside).toEqual([]);
  });
});

describe("event ids", () => {
  it("stop a shard that would number more events than its id range holds, instead of running into the next shard's ids", () => {
    const s = smallScenario({ population: { users: 50 }, simulation: { days: 2, shardUsers: 50 } });
    const world = buildWorld(s);
    const sim = new ShardSimulator(s, world, resolveLinkPolicy(s, world), { index: 3, firstUser: 0, userCount: 50 });
    const first = sim.simulateDay(0);
    expect(first.length).toBeGreaterThan(10);
    // Shard 3's ids, numbered from 1 in the order the events were made.
    expect(Math.min(...first.id.subarray(0, first.length))).toBe(3 * ID_BASE + 1);
    // The shard has numbered all but 10 of its ids: the next day needs more.
    (sim as unknown as { seq: number }).seq = ID_BASE - 11;
    expect(() => sim.simulateDay(1)).toThrow("shard 3 emitted 2^32 − 1 events, the most its event ids can number: lower simulation.shardUsers");
  });
});

describe("the day's row builder", () => {
  it("changes nothing when it grows: a builder that starts tiny gives the same events, truth and AIPS state", () => {
    const world = buildWorld(hot);
    const policy = resolveLinkPolicy(hot, world);
    const spec = { index: 0, firstUser: 0, userCount: hot.population.users };
    const grown = new ShardSimulator(hot, world, policy, spec, undefined, 16);
    const roomy = new ShardSimulator(hot, world, policy, spec);
    // Every change of the latent state, as (pair, time): the builder must change none.
    const changes = (sim: ShardSimulator) => {
      const seen: number[] = [];
      const latent = sim.latent as unknown as Record<string, (pair: number, t: number, ...rest: unknown[]) => void>;
      for (const method of ["exposure", "light", "strong", "purchase", "postPurchaseShare"]) {
        const original = latent[method]!.bind(sim.latent);
        latent[method] = (pair, t, ...rest) => {
          seen.push(pair, t);
          original(pair, t, ...rest);
        };
      }
      return seen;
    };
    const [grownChanges, roomyChanges] = [changes(grown), changes(roomy)];
    for (let d = 0; d < hot.simulation.days; d++) {
      const [a, b] = [grown.simulateDay(d), roomy.simulateDay(d)];
      expect(a.length).toBe(b.length);
      for (const name of ["id", "time", "kind", "note", "brand", "clickId", "value", "cause"] as const) {
        expect(Buffer.from(a[name].buffer, a[name].byteOffset, a[name].byteLength).equals(Buffer.from(b[name].buffer, b[name].byteOffset, b[name].byteLength)), `day ${d} ${name}`).toBe(true);
      }
    }
    expect(grown.truth.purchases).toEqual(roomy.truth.purchases);
    expect(grown.aipsDaily).toEqual(roomy.aipsDaily);
    expect(grownChanges.length).toBe(roomyChanges.length);
    expect(grownChanges.length).toBeGreaterThan(100_000);
    const differ = grownChanges.findIndex((x, i) => !Object.is(x, roomyChanges[i]));
    expect(differ, `change ${differ >> 1}: ${grownChanges[differ]} instead of ${roomyChanges[differ]}`).toBe(-1);
  });
});

describe("baseline demand in the credit shares", () => {
  it("spreads each user's whole daily rate over brands, even with categories that have no brand", () => {
    // Four brands over eight categories: some categories have none, and their draws go elsewhere.
    const s = smallScenario({ brands: { count: 4 }, purchase: { baselinePerUserDay: 0.2 } });
    const world = buildWorld(s);
    const sim = new ShardSimulator(s, world, resolveLinkPolicy(s, world), { index: 0, firstUser: 0, userCount: 200 });
    expect(new Set(world.brands.category).size).toBeLessThan(Object.keys(s.categories).length);
    for (let u = 0; u < 200; u++) {
      let rate = 0;
      for (let b = 0; b < world.brands.count; b++) rate += sim.baselineRate(u, b);
      expect(rate, `user ${u}`).toBeCloseTo(0.2, 6);
    }
  });
});
