import { describe, expect, it } from "vitest";
import { sliceBatch } from "../src/events/batch.js";
import { Deliverer, type ObservedBatch } from "../src/pipeline/deliver.js";
import { simulateShardInMemory, smallScenario } from "./helpers.js";

function deliverAll(batchRows: number) {
  const s = smallScenario({
    population: { users: 300 },
    simulation: { days: 12, shardUsers: 300 },
    behaviour: { adLoad: 0.4, adCtr: 0.2, linkClickAfterAdClick: 0.9 },
    brands: { experienceScore: { min: 4.6, max: 5 }, dailyAdBudgetYuan: { min: 6000, max: 50_000 } },
    policy: { type: "redcat", redcat: { windowDays: 30, passback: { duplicateRate: 0.3, delayMedianHours: 30 } } },
  });
  const { events } = simulateShardInMemory(s);
  const d = new Deliverer();
  const out: ObservedBatch[] = [];
  for (let start = 0; start < events.length; start += batchRows) {
    out.push(...d.push(sliceBatch(events, start, Math.min(events.length, start + batchRows))));
  }
  out.push(...d.flush());
  const rows: [number, number, number][] = [];
  for (const b of out) {
    expect("cause" in b).toBe(false);
    for (let i = 0; i < b.length; i++) rows.push([b.arrival[i]!, b.id[i]!, b.duplicate[i]!]);
  }
  let observed = 0;
  for (let i = 0; i < events.length; i++) observed += events.observed[i]!;
  return { rows, observed };
}

describe("Deliverer", () => {
  it("delivers every observed row once, in (arrival, id, duplicate) order, at any batch size", () => {
    const big = deliverAll(100_000);
    expect(big.rows).toHaveLength(big.observed);
    const late = big.rows.filter((_, i) => i > 0 && big.rows[i - 1]![0] > big.rows[i]![0]);
    expect(late).toEqual([]);
    const lateArrivals = big.rows.filter((r) => r[2] === 1).length;
    expect(lateArrivals).toBeGreaterThan(5);
    for (const size of [1, 97, 4096]) expect(deliverAll(size).rows).toEqual(big.rows);
  });
});
