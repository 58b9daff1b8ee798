import { describe, expect, it } from "vitest";
import { Channel, Kind } from "../src/events/enums.js";
import { DAY_MS, HOUR_MS } from "../src/sim/kernel.js";
import { medianLagDays, SEARCH_LAG_BINS, SEARCH_LAG_HORIZON_DAYS } from "../src/sim/searchLag.js";
import { simulateShardInMemory, smallScenario } from "./helpers.js";

describe("retailer searches after a planting touch", () => {
  const SCENARIO = { seed: 11, population: { users: 3000 }, simulation: { days: 60, shardUsers: 3000 } };
  const s = smallScenario(SCENARIO);
  const { events: e, truth, sim } = simulateShardInMemory(s);
  const rowOf = new Map<number, number>();
  for (let i = 0; i < e.length; i++) if (e.duplicate[i] === 0) rowOf.set(e.id[i]!, i);

  it("come after the touch that caused them, for its user and brand; a purchase's come before it, and a spillover order has one just before it", () => {
    const searchesOf = new Map<number, number[]>();
    let searches = 0;
    for (let i = 0; i < e.length; i++) {
      if (e.kind[i] !== Kind.retail_search || e.duplicate[i] === 1 || e.cause[i] === 0) continue;
      searches++;
      const touch = rowOf.get(e.cause[i]!)!;
      expect(touch).toBeDefined();
      expect(s.purchase.touchMass).toHaveProperty(Object.keys(Kind)[e.kind[touch]!]!);
      expect([e.user[touch], e.brand[touch]]).toEqual([e.user[i], e.brand[i]]);
      expect(e.time[i]!).toBeGreaterThanOrEqual(e.time[touch]!);
      searchesOf.set(e.cause[i]!, [...(searchesOf.get(e.cause[i]!) ?? []), e.time[i]!]);
    }
    expect(searches).toBeGreaterThan(500);
    const p = truth.purchases;
    let spillover = 0;
    for (let i = 0; i < p.id.length; i++) {
      if (p.cause[i] === 0) continue;
      const times = searchesOf.get(p.cause[i]!) ?? [];
      for (const t of times) expect(t).toBeLessThanOrEqual(p.time[i]!);
      if (p.channel[i] !== Channel.spillover) continue;
      spillover++;
      expect(times.some((t) => p.time[i]! - t < DAY_MS)).toBe(true);
    }
    expect(spillover).toBeGreaterThan(200);
  });

  it("counts, for each planting touch a horizon before the end, the hours to its first search: recomputed from the events, bin for bin", () => {
    const lastCounted = Date.parse(`${s.simulation.start}T00:00:00Z`) + (s.simulation.days - SEARCH_LAG_HORIZON_DAYS) * DAY_MS;
    const first = new Map<number, number>();
    for (let i = 0; i < e.length; i++) {
      if (e.kind[i] !== Kind.retail_search || e.duplicate[i] === 1 || e.cause[i] === 0) continue;
      const touchTime = e.time[rowOf.get(e.cause[i]!)!]!;
      if (touchTime > lastCounted) continue;
      const lag = e.time[i]! - touchTime;
      first.set(e.cause[i]!, Math.min(first.get(e.cause[i]!) ?? Infinity, lag));
    }
    const hours = new Float64Array(SEARCH_LAG_BINS);
    for (const lag of first.values()) hours[Math.min(SEARCH_LAG_BINS - 1, Math.floor(lag / HOUR_MS))]!++;
    expect(first.size).toBeGreaterThan(200);
    expect(Array.from(sim.searchLag.hours)).toEqual(Array.from(hours));
    // DOMAIN: a branded search on the retailer lags a touch by 3–5 days.
    const { medianDays } = medianLagDays(sim.searchLag.hours);
    expect(medianDays).toBeGreaterThan(3);
    expect(medianDays).toBeLessThan(5);
  });

  it("sends a spillover buyer who searched a retailer after the touch to buy there, and no search after the pair bought", () => {
    const storesOf = new Map<number, Set<number>>();
    const searchTimes = new Map<number, number[]>();
    for (let i = 0; i < e.length; i++) {
      if (e.kind[i] !== Kind.retail_search || e.duplicate[i] === 1 || e.cause[i] === 0) continue;
      storesOf.set(e.cause[i]!, (storesOf.get(e.cause[i]!) ?? new Set()).add(e.platform[i]!));
      searchTimes.set(e.cause[i]!, [...(searchTimes.get(e.cause[i]!) ?? []), e.time[i]!]);
    }
    const p = truth.purchases;
    let searchedEarly = 0;
    for (let i = 0; i < p.id.length; i++) {
      if (p.channel[i] !== Channel.spillover || p.cause[i] === 0) continue;
      const stores = storesOf.get(p.cause[i]!)!;
      expect([...stores]).toEqual([p.platform[i]]);
      if (searchTimes.get(p.cause[i]!)!.some((t) => p.time[i]! - t > DAY_MS)) searchedEarly++;
    }
    expect(searchedEarly).toBeGreaterThan(100);
    // A touch's search comes before any purchase of the pair after the touch.
    const purchasesOf = new Map<string, number[]>();
    for (let i = 0; i < p.id.length; i++) {
      const key = `${p.user[i]}:${p.brand[i]}`;
      purchasesOf.set(key, [...(purchasesOf.get(key) ?? []), p.time[i]!]);
    }
    for (let i = 0; i < e.length; i++) {
      if (e.kind[i] !== Kind.retail_search || e.duplicate[i] === 1 || e.cause[i] === 0) continue;
      const touchTime = e.time[rowOf.get(e.cause[i]!)!]!;
      const bought = purchasesOf.get(`${e.user[i]}:${e.brand[i]}`) ?? [];
      // The pre-purchase search of a spillover order comes minutes before its order, which is the only one in between.
      expect(bought.filter((t) => t > touchTime && t < e.time[i]!)).toEqual([]);
    }
  });

  it("counts the same lags at any shard size", () => {
    const at = (shardUsers: number) => {
      const split = smallScenario({ ...SCENARIO, simulation: { days: 60, shardUsers } });
      const hours = new Float64Array(SEARCH_LAG_BINS);
      for (let shard = 0; shard * shardUsers < 3000; shard++) {
        simulateShardInMemory(split, shard).sim.searchLag.hours.forEach((n, bin) => (hours[bin] = hours[bin]! + n));
      }
      return Array.from(hours);
    };
    expect(at(1000)).toEqual(Array.from(sim.searchLag.hours));
  });

  it("takes the median lag from the middle of its hour, and none from no searches", () => {
    const hours = new Float64Array(SEARCH_LAG_BINS);
    expect(medianLagDays(hours)).toEqual({ medianDays: null, searches: 0 });
    hours[96] = 2;
    hours[100] = 1;
    expect(medianLagDays(hours)).toEqual({ medianDays: 96.5 / 24, searches: 3 });
    hours[SEARCH_LAG_BINS - 1] = 4;
    expect(medianLagDays(hours).medianDays).toBe((SEARCH_LAG_BINS - 0.5) / 24);
  });
});
