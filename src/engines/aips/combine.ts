import { CELLS, emptyCounters, type AipsCounters, type AipsPartial, type FlowRows } from "./partial.js";

/** Shard partials summed: every figure is a count, so the sum does not depend on shard order. */
export interface CombinedAips {
  readonly brandCount: number;
  readonly days: number;
  readonly engineCounts: Uint32Array[];
  readonly truthCounts: Uint32Array[];
  readonly truthNewTi: Uint32Array[];
  /** Flow cells summed over shards, non-zero only, in (day, cell) order. */
  readonly flows: FlowRows;
  readonly confusion: Float64Array;
  readonly counters: AipsCounters;
}

export function combineAips(partials: readonly AipsPartial[]): CombinedAips {
  const first = partials[0];
  if (!first) throw new Error("aips: no shard partials to combine");
  const days = Math.min(...partials.map((p) => p.engineCounts.length));
  const counters = emptyCounters();
  for (const p of partials) {
    for (const key of Object.keys(counters) as (keyof AipsCounters)[]) counters[key] += p.counters[key];
  }
  return {
    brandCount: first.brandCount,
    days,
    engineCounts: sumDays(partials.map((p) => p.engineCounts), days),
    truthCounts: sumDays(partials.map((p) => p.truthCounts), days),
    truthNewTi: sumDays(partials.map((p) => p.truthNewTi), days),
    flows: sumFlows(partials.map((p) => p.flows), days, first.brandCount * CELLS),
    confusion: sumArrays(partials.map((p) => p.confusion)),
    counters,
  };
}

function sumDays(shards: readonly Uint32Array[][], days: number): Uint32Array[] {
  return Array.from({ length: days }, (_, day) => sumArrays(shards.map((s) => s[day]!)));
}

function sumArrays<T extends Uint32Array | Float64Array>(arrays: readonly T[]): T {
  const out = arrays[0]!.slice() as T;
  for (const a of arrays.slice(1)) for (let i = 0; i < out.length; i++) out[i]! += a[i]!;
  return out;
}

/** Merges each shard's day-ordered flow rows through one dense day of cells at a time. */
function sumFlows(shards: readonly FlowRows[], days: number, cellCount: number): FlowRows {
  const out: FlowRows = { day: [], cell: [], users: [] };
  const dense = new Float64Array(cellCount);
  const cursor = shards.map(() => 0);
  for (let day = 0; day < days; day++) {
    dense.fill(0);
    shards.forEach((rows, s) => {
      let i = cursor[s]!;
      for (; i < rows.day.length && rows.day[i] === day; i++) dense[rows.cell[i]!]! += rows.users[i]!;
      cursor[s] = i;
    });
    for (let cell = 0; cell < cellCount; cell++) {
      if (dense[cell] === 0) continue;
      out.day.push(day);
      out.cell.push(cell);
      out.users.push(dense[cell]!);
    }
  }
  return out;
}
