import { describe, expect, it } from "vitest";
import { allocateColumns, batchOf, sliceBatch } from "../src/events/batch.js";
import { Deliverer, type ObservedBatch } from "../src/pipeline/deliver.js";
import { DAY_MS } from "../src/sim/kernel.js";
import { simulateShardInMemory, smallScenario } from "./helpers.js";

const lateScenario = () =>
  smallScenario({
    population: { users: 300 },
    simulation: { days: 12, shardUsers: 300 },
    behaviour: { adLoad: 0.4, adCtr: 0.2, linkClickAfterAdClick: 0.9 },
    brands: { experienceScore: { min: 4.6, max: 5 }, dailyAdBudgetYuan: { min: 6000, max: 50_000 } },
    policy: { type: "redcat", redcat: { windowDays: 30, passback: { duplicateRate: 0.3, delayMedianHours: 30 } } },
  });

function deliverAll(batchRows: number) {
  const { events } = simulateShardInMemory(lateScenario());
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
  for (let i = 0; i < events.length; i++) observed += events.observed[i] === 0 ? 0 : 1;
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

  it("orders a late row arriving at the ms of a batch's last row by id, wherever the batch ends", () => {
    // (time, id, arrival): a late row (id 6) arrives at 200, where on-time rows 4 and 5 happen.
    const rows = [
      [100, 1, 100],
      [150, 6, 200],
      [200, 4, 200],
      [200, 5, 200],
    ] as const;
    const c = allocateColumns(rows.length);
    rows.forEach(([time, id, arrival], i) => ((c.time[i] = time), (c.id[i] = id), (c.arrival[i] = arrival), (c.observed[i] = 1)));
    const stream = batchOf(c, rows.length);
    const delivered = (cuts: readonly number[]) => {
      const d = new Deliverer();
      const out: ObservedBatch[] = [];
      let from = 0;
      for (const to of [...cuts, stream.length]) {
        out.push(...d.push(sliceBatch(stream, from, to)));
        from = to;
      }
      out.push(...d.flush());
      return out.flatMap((b) => Array.from(b.id.subarray(0, b.length)));
    };
    for (const cuts of [[], [1], [2], [3], [1, 2, 3]]) expect(delivered(cuts)).toEqual([1, 4, 5, 6]);
  });

  it("at a day's end, hands over every pending row that arrived before it, keeping the order", () => {
    const s = lateScenario();
    const { events } = simulateShardInMemory(s);
    const start = Date.parse(`${s.simulation.start}T00:00:00Z`);
    const d = new Deliverer();
    const rows: number[] = [];
    const take = (batches: ObservedBatch[]) => batches.forEach((b) => b.arrival.forEach((a) => rows.push(a)));
    let from = 0;
    let releasedAtDayEnd = 0;
    for (let day = 0; day < s.simulation.days; day++) {
      const dayEnd = start + (day + 1) * DAY_MS;
      let to = from;
      while (to < events.length && events.time[to]! < dayEnd) to++;
      take(d.push(sliceBatch(events, from, to)));
      const released = d.releaseBefore(dayEnd);
      releasedAtDayEnd += released.reduce((n, b) => n + b.length, 0);
      take(released);
      // Everything observed by the day's end has been handed over, nothing later.
      let due = 0;
      for (let i = 0; i < to; i++) if (events.observed[i] === 1 && events.arrival[i]! < dayEnd) due++;
      expect(rows.filter((a) => a < dayEnd)).toHaveLength(due);
      from = to;
    }
    take(d.flush());
    expect(releasedAtDayEnd).toBeGreaterThan(0);
    expect(rows).toEqual(deliverAll(100_000).rows.map((r) => r[0]));
  });
});
